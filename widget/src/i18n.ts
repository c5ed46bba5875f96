/**
 * UI strings live in i18n/<lang>.json, one section per surface ("panel" for the deal card,
 * "customer" for contact and company cards, "advanced" for the settings page); amoCRM hands a
 * section over with self.i18n('<section>'). The key names are typed from ru.json (a type-only
 * import: no string table in the bundle), and a test keeps en.json's keys identical.
 */
import type ru from './i18n/ru.json';

type Section<K extends keyof typeof ru> = Readonly<Record<keyof (typeof ru)[K], string>>;

export type Messages = Section<'panel'>;
export type CustomerMessages = Section<'customer'>;
export type SettingsMessages = Section<'advanced'>;

/**
 * Accepts whatever the host returned; a missing or non-string entry reads as its key rather than
 * breaking the panel (a Proxy, so the bundle needs no list of keys).
 */
export function toMessages<T extends Readonly<Record<string, string>>>(raw: unknown): T {
  const source = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return new Proxy(source, {
    get: (target, key) => (typeof target[key as string] === 'string' ? target[key as string] : String(key)),
  }) as unknown as T;
}

/** Locale for Intl from amoCRM's lang_id ('ru', 'en', ...); amoCRM's own default is Russian. */
export function localeFromLangId(langId: unknown): string {
  return typeof langId === 'string' && /^[a-z]{2}(-[A-Za-z]{2})?$/.test(langId) ? langId : 'ru';
}
