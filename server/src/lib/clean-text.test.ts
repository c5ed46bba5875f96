import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cleanString, cleanText, findUncleanText, isCleanText } from './clean-text.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Any UTF-16 sequence: code units at random, so lone surrogates, NUL and controls all occur. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc
    .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 })
    .map((units) => String.fromCharCode(...units)),
  fc
    .array(
      fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\ud800', '\udfff', 'а', 'x', '\n'),
      {
        maxLength: 20,
      },
    )
    .map((parts) => parts.join('')),
);

describe('cleanText: text from an answer made safe to show, store and write', () => {
  it('always yields clean text with no control characters, and is idempotent', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = cleanText(s);
        expect(isCleanText(out)).toBe(true);
        expect(out).not.toMatch(CONTROL);
        expect(cleanText(out)).toBe(out);
        expect(out.length).toBeLessThanOrEqual(s.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves ordinary text (any language, tabs and line breaks) untouched', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        const plain = s.replace(new RegExp(CONTROL, 'g'), '');
        expect(cleanText(plain)).toBe(plain);
      }),
    );
    expect(cleanText('Дрель\t18 В\r\nсиняя')).toBe('Дрель\t18 В\r\nсиняя');
  });

  it('drops NUL and controls, replaces a lone surrogate, keeps a real pair', () => {
    expect(cleanText('Дрель\u0000 18\u001b В')).toBe('Дрель 18 В');
    expect(cleanText('a\ud800b')).toBe('a\ufffdb');
    expect(cleanText('😀')).toBe('😀');
  });

  it('cleanString cleans inside a schema and still chains like z.string()', () => {
    const Row = z.object({ name: cleanString().min(1), note: cleanString().nullish() });
    expect(Row.parse({ name: 'Склад\u0000 №1', note: 'x\udc00' })).toEqual({
      name: 'Склад №1',
      note: 'x\ufffd',
    });
    expect(Row.safeParse({ name: '\u0000' }).success).toBe(false);
    fc.assert(
      fc.property(anyText, (s) => {
        const parsed = Row.safeParse({ name: s });
        if (parsed.success) expect(findUncleanText(parsed.data)).toBeNull();
      }),
    );
  });
});
