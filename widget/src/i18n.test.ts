import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { localeFromLangId, type Messages, toMessages } from './i18n.js';

const locales = ['ru', 'en'] as const;
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

const [ru, en] = locales.map((l) => leaves(load(l))) as [Map<string, unknown>, Map<string, unknown>];

describe('i18n files', () => {
  it('ru and en translate exactly the same keys', () => {
    expect([...en.keys()].sort()).toEqual([...ru.keys()].sort());
  });

  it('has a non-empty string for every key', () => {
    for (const [key, value] of [...ru, ...en]) expect(value, key).toMatch(/\S/);
  });

  it('keeps placeholders identical across locales', () => {
    const placeholders = (s: unknown) =>
      String(s)
        .match(/\{\w+\}/g)
        ?.sort() ?? [];
    for (const key of ru.keys()) expect(placeholders(en.get(key)), key).toEqual(placeholders(ru.get(key)));
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
    expect(localeFromLangId(undefined)).toBe('ru');
    expect(localeFromLangId('<script>')).toBe('ru');
  });
});
