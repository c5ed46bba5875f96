import { PROBLEM_STATUS, ProblemCode } from '@erp-bridge/shared';
import { describe, expect, it } from 'vitest';
import en from '../i18n/en.json' with { type: 'json' };
import es from '../i18n/es.json' with { type: 'json' };
import pt from '../i18n/pt.json' with { type: 'json' };
import ru from '../i18n/ru.json' with { type: 'json' };
import { toMessages } from '../i18n.js';
import { type FailureMessages, failureText } from './common.js';

const files = { ru, en, es, pt };
/** The surfaces that show failures, each with its own i18n section. */
const sections = ['panel', 'customer', 'advanced'] as const;

describe('every problem code is worded in every language', () => {
  for (const [lang, file] of Object.entries(files)) {
    for (const section of sections) {
      it(`${lang} ${section}`, () => {
        const raw = file[section] as Record<string, string>;
        const t = toMessages<FailureMessages>(raw);
        const sentences = new Set(Object.values(raw));
        for (const code of ProblemCode.options) {
          const text = failureText({ kind: 'http', status: PROBLEM_STATUS[code], code }, t);
          // A sentence of the file (a missing key reads as its own name), and a specific one:
          // only `internal` gets the general "answered with an error".
          expect(sentences.has(text), `${code} in ${lang}.${section}: "${text}"`).toBe(true);
          if (code !== 'internal') expect(text, code).not.toBe(raw.error_status);
        }
      });
    }
  }
});
