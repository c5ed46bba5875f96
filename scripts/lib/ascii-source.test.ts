import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { asciiSource } from './ascii-source.js';

const SERVER_OUT = join(dirname(fileURLToPath(import.meta.url)), '../../server/dist');

describe('asciiSource', () => {
  it('keeps the meaning of strings, templates, regexes and identifiers', () => {
    const source = [
      "const ключ = 'Заблокирован — ok';",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal inside the source under test
      'const t = `ИНН ${1}`;',
      "const re = /^(инн|inn)$/i; const u = /[😀-😂]/u; const esc = '\\é'; const two = '\\\\é';",
      '// a comment – with a dash',
      'return [ключ, t, re.test("ИНН"), u.test("😁"), esc, two];',
    ].join('\n');
    const ascii = asciiSource(source);
    expect(ascii).not.toMatch(/[\u0080-\uffff]/);
    expect(new Function(ascii)()).toEqual(new Function(source)());
  });

  it('left the built server ASCII (run after pnpm build)', () => {
    if (!existsSync(SERVER_OUT)) return;
    for (const f of readdirSync(SERVER_OUT).filter((n) => n.endsWith('.js')))
      expect(/[\u0080-\uffff]/.test(readFileSync(join(SERVER_OUT, f), 'latin1')), f).toBe(false);
  });
});
