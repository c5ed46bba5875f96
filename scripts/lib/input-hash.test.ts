import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashInputs } from './input-hash.js';

/** The stamp `pnpm start` compares to skip an unchanged widget or server build. */
describe('build input hash', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tree = () => {
    const root = mkdtempSync(join(tmpdir(), 'erpb-hash-'));
    dirs.push(root);
    mkdirSync(join(root, 'src/nested'), { recursive: true });
    mkdirSync(join(root, 'src/node_modules'), { recursive: true });
    writeFileSync(join(root, 'src/a.ts'), 'export const a = 1;');
    writeFileSync(join(root, 'src/nested/b.ts'), 'export const b = 2;');
    writeFileSync(join(root, 'manifest.json'), '{}');
    return root;
  };

  it('is stable for the same content and changes with any input file, name or baked variable', () => {
    const root = tree();
    const h = hashInputs(root, ['src', 'manifest.json'], ['ERPB_HASH_TEST']);
    expect(hashInputs(root, ['src', 'manifest.json'], ['ERPB_HASH_TEST'])).toBe(h);

    writeFileSync(join(root, 'src/nested/b.ts'), 'export const b = 3;');
    const edited = hashInputs(root, ['src', 'manifest.json'], ['ERPB_HASH_TEST']);
    expect(edited).not.toBe(h);

    writeFileSync(join(root, 'src/nested/c.ts'), '');
    const added = hashInputs(root, ['src', 'manifest.json'], ['ERPB_HASH_TEST']);
    expect(added).not.toBe(edited);

    process.env.ERPB_HASH_TEST = 'https://erp.example.com';
    try {
      expect(hashInputs(root, ['src', 'manifest.json'], ['ERPB_HASH_TEST'])).not.toBe(added);
    } finally {
      delete process.env.ERPB_HASH_TEST;
    }
  });

  it('ignores dependencies and build output inside the inputs', () => {
    const root = tree();
    const h = hashInputs(root, ['src']);
    writeFileSync(join(root, 'src/node_modules/x.js'), 'changed');
    mkdirSync(join(root, 'src/dist'));
    writeFileSync(join(root, 'src/dist/out.js'), 'built');
    expect(hashInputs(root, ['src'])).toBe(h);
  });
});
