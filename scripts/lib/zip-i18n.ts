/** The archive's i18n files: every key the manifest uses, the same keys in every locale. */
import { type Add, isObject, type Json, leafKeys, lookup, readJson } from './zip-common.js';

/** A string the manifest means as an i18n key: dotted identifiers, e.g. "widget.name". */
const I18N_KEY = /^[A-Za-z_][\w-]*(?:\.[\w-]+)+$/;
/** Manifest strings that are never i18n keys, by dotted path. */
const NOT_I18N = [
  /^widget\.(version|locale|support)\b/,
  /^locations\b/,
  /^settings\.[^.]+\.type$/,
  /^dp\.webhook_url$/,
];

/** i18n keys the manifest uses: the widget texts, setting names, and any other dotted string value. */
export function manifestI18nKeys(manifest: Json): string[] {
  const keys = new Set<string>();
  const walk = (value: Json, path: string) => {
    if (NOT_I18N.some((re) => re.test(path))) return;
    if (typeof value === 'string') {
      if (I18N_KEY.test(value)) keys.add(value);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        walk(item, `${path}.${i}`);
      });
    } else if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) walk(item, path ? `${path}.${key}` : key);
    }
  };
  walk(manifest, '');
  if (isObject(manifest) && isObject(manifest.widget)) {
    // Plain words are keys too when they sit where amoCRM expects one.
    for (const key of ['name', 'description', 'short_description']) {
      const value = manifest.widget[key];
      if (typeof value === 'string' && value !== '') keys.add(value);
    }
  }
  return [...keys];
}

export function checkI18n(
  manifest: Json,
  locales: string[],
  names: string[],
  text: (n: string) => string,
  add: Add,
) {
  const keys = manifestI18nKeys(manifest);
  const loaded = new Map<string, Json>();
  for (const locale of locales) {
    const file = `i18n/${locale}.json`;
    if (!names.includes(file)) {
      add('i18n', `${file} missing for locale "${locale}" listed in widget.locale`);
      continue;
    }
    const messages = readJson(file, names, text, add);
    if (messages === undefined) continue;
    if (!isObject(messages)) {
      add('i18n', `${file} must hold a JSON object`);
      continue;
    }
    loaded.set(locale, messages);
    for (const key of keys) {
      const value = lookup(messages, key);
      if (typeof value !== 'string' || value.trim() === '') {
        add('i18n', `${file} lacks "${key}" used by manifest.json`);
      }
    }
  }
  // Every locale must translate the same keys: a key missing in one language shows up raw there.
  const sets = [...loaded].map(([locale, messages]) => [locale, new Set(leafKeys(messages))] as const);
  const all = new Set(sets.flatMap(([, set]) => [...set]));
  for (const [locale, set] of sets) {
    const missing = [...all].filter((key) => !set.has(key));
    if (missing.length > 0) {
      const shown =
        missing.slice(0, 10).join(', ') + (missing.length > 10 ? `, ... (${missing.length})` : '');
      add('i18n', `i18n/${locale}.json lacks keys present in other locales: ${shown}`);
    }
  }
}
