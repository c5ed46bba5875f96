import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatMoney, formatQty } from './format.js';
import { localeFromLangId, type Messages, toMessages } from './i18n.js';

/** Every locale the manifest declares ships a complete file (es / pt for the marketplace listing). */
const manifest = JSON.parse(readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8')) as {
  widget: { locale: string[] };
};
const locales = ['ru', 'en', 'es', 'pt'] as const;
type Tree = { [key: string]: string | Tree };
const load = (locale: string) =>
  JSON.parse(readFileSync(new URL(`./i18n/${locale}.json`, import.meta.url), 'utf8')) as Tree;

/** Dotted path -> string, for every leaf. */
function leaves(tree: Tree, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'object' && value !== null) for (const [k, v] of leaves(value, path)) out.set(k, v);
    else out.set(path, value);
  }
  return out;
}

const trees = Object.fromEntries(locales.map((l) => [l, leaves(load(l))])) as Record<
  (typeof locales)[number],
  Map<string, unknown>
>;
const { ru } = trees;

describe('i18n files', () => {
  it('has a file for every locale of the manifest', () => {
    expect([...locales].sort()).toEqual([...manifest.widget.locale].sort());
  });

  it.each(locales)('%s translates exactly the keys of ru.json', (locale) => {
    expect([...trees[locale].keys()].sort()).toEqual([...ru.keys()].sort());
  });

  it.each(locales)('%s has a non-empty string for every key', (locale) => {
    for (const [key, value] of trees[locale]) expect(value, key).toMatch(/\S/);
  });

  it.each(['es', 'pt'] as const)('%s is translated, not English left in place', (locale) => {
    const same = [...trees[locale]].filter(
      ([key, v]) => v === trees.en.get(key) && /[a-z]{4,} [a-z]{4,}/.test(String(v)),
    );
    expect(same.map(([key]) => key)).toEqual([]);
  });

  it.each(locales)('%s keeps the placeholders of ru.json', (locale) => {
    const placeholders = (s: unknown) =>
      String(s)
        .match(/\{\w+\}/g)
        ?.sort() ?? [];
    for (const key of ru.keys())
      expect(placeholders(trees[locale].get(key)), key).toEqual(placeholders(ru.get(key)));
  });

  it('has the sections the widget reads, and the manifest keys', () => {
    for (const key of [
      'panel.title',
      'customer.title',
      'advanced.title',
      'widget.name',
      'settings.backend_url',
    ])
      expect(ru.has(key), key).toBe(true);
  });
});

describe('toMessages', () => {
  it('takes the strings the host returned', () => {
    expect(toMessages<Messages>({ retry: 'Повторить' }).retry).toBe('Повторить');
  });
  it('shows the key for a missing or non-string value instead of breaking', () => {
    const messages = toMessages<Messages>({ retry: 42 });
    expect(messages.retry).toBe('retry');
    expect(messages.title).toBe('title');
    expect(toMessages<Messages>(undefined).empty).toBe('empty');
  });
});

describe('localeFromLangId', () => {
  it("uses amoCRM's language, Russian by default", () => {
    expect(localeFromLangId('en')).toBe('en');
    expect(localeFromLangId('ru')).toBe('ru');
    expect(localeFromLangId('es')).toBe('es');
    expect(localeFromLangId('pt')).toBe('pt');
    expect(localeFromLangId(undefined)).toBe('ru');
    expect(localeFromLangId('<script>')).toBe('ru');
  });
});

describe('numbers and money in the es / pt locales', () => {
  const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
  it('formats with the locale separators', () => {
    expect(formatQty(12500.5, localeFromLangId('es'))).toBe('12.500,5');
    expect(formatQty(12500.5, localeFromLangId('pt'))).toBe('12.500,5');
    expect(plain(formatMoney({ amount: 1500, currency: 'BRL' }, 'pt'))).toBe('R$ 1.500,00');
    expect(plain(formatMoney({ amount: 1500, currency: 'EUR' }, 'es'))).toBe('1500,00 €');
  });
});
