import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A module hook that makes importing PGlite fail, so a process that would load it shows it. */
const NO_PGLITE = `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(
  'export async function resolve(s, c, next) { if (s.startsWith("@electric-sql/pglite")) throw new Error("PGlite loaded"); return next(s, c); }'
));`)}`;

describe('openDatabase on PostgreSQL', () => {
  it('never loads PGlite (a web instance on PostgreSQL does not carry the embedded engine)', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        NO_PGLITE,
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "const m = await import('./server/src/runtime/services.ts'); console.log(typeof m.createServices);",
      ],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
    );
    expect(r.stderr).not.toMatch(/PGlite loaded/);
    expect(r.stdout.trim()).toBe('function');
  });
});
