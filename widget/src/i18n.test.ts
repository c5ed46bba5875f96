import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { localeFromLangId, MESSAGE_KEYS, toMessages } from './i18n.js';

const locales = ['ru', 'en'] as const;
const load = (locale: string) =>
  JSON.parse(readFileSync(new URL(`./i18n/${locale}.json`, import.meta.url), 'utf8')) as {
    panel: Record<string, unknown>;
  };

describe('i18n files', () => {
  it.each(locales)('%s.json translates exactly the keys the panel uses', (locale) => {
    const panel = load(locale).panel;
    expect(Object.keys(panel).sort()).toEqual([...MESSAGE_KEYS].sort());
    for (const key of MESSAGE_KEYS) expect(panel[key], key).toMatch(/\S/);
  });

  it('keeps placeholders identical across locales', () => {
    const placeholders = (s: unknown) =>
      String(s)
        .match(/\{\w+\}/g)
        ?.sort() ?? [];
    const [ru, en] = locales.map((l) => load(l).panel);
    for (const key of MESSAGE_KEYS) expect(placeholders(ru?.[key]), key).toEqual(placeholders(en?.[key]));
  });
});

describe('toMessages', () => {
  it('takes the strings the host returned', () => {
    expect(toMessages({ retry: 'Повторить' }).retry).toBe('Повторить');
  });
  it('shows the key for a missing or non-string value instead of breaking', () => {
    const messages = toMessages({ retry: 42 });
    expect(messages.retry).toBe('retry');
    expect(messages.title).toBe('title');
    expect(toMessages(undefined).empty).toBe('empty');
  });
});

describe('localeFromLangId', () => {
  it("uses amoCRM's language, Russian by default", () => {
    expect(localeFromLangId('en')).toBe('en');
    expect(localeFromLangId('ru')).toBe('ru');
    expect(localeFromLangId(undefined)).toBe('ru');
    expect(localeFromLangId('<script>')).toBe('ru');
  });
});
