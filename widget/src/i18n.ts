/**
 * UI strings live in i18n/<lang>.json under "panel"; amoCRM hands them over with self.i18n('panel'),
 * so the bundle carries only the key names.
 */
export const MESSAGE_KEYS = [
  'title',
  'loading',
  'empty',
  'unsaved_card',
  'not_configured',
  'error',
  'error_network',
  'error_timeout',
  'error_status',
  'retry',
  'refresh',
  'col_sku',
  'col_name',
  'col_requested',
  'col_free',
  'no_sku',
  'no_warehouses',
  'status_ok',
  'status_short',
  'status_unknown',
  'summary_ok',
  'summary_short',
  'summary_unknown',
  'summary_empty',
  'stale',
  'as_of',
  'source',
  'total',
] as const;

export type MessageKey = (typeof MESSAGE_KEYS)[number];
export type Messages = Readonly<Record<MessageKey, string>>;

/** Accepts whatever the host returned; a missing string shows its key rather than breaking the panel. */
export function toMessages(raw: unknown): Messages {
  const source = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const messages = {} as Record<MessageKey, string>;
  for (const key of MESSAGE_KEYS) {
    const value = source[key];
    messages[key] = typeof value === 'string' ? value : key;
  }
  return messages;
}

/** Locale for Intl from amoCRM's lang_id ('ru', 'en', ...); amoCRM's own default is Russian. */
export function localeFromLangId(langId: unknown): string {
  return typeof langId === 'string' && /^[a-z]{2}(-[A-Za-z]{2})?$/.test(langId) ? langId : 'ru';
}
