import type { GuardReason, Stage } from '@erp-bridge/shared';

/**
 * Texts the guard writes into amoCRM. They are read by the whole sales team, so they are in the
 * account's language: Russian for amoCRM accounts (.ru), English for others.
 */
export type NoteLanguage = 'ru' | 'en';

const fmt = (n: number | null, lang: NoteLanguage) =>
  n === null
    ? lang === 'ru'
      ? 'нет данных'
      : 'unknown'
    : new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US', { maximumFractionDigits: 3 }).format(n);

export function blockedNote(
  reasons: readonly GuardReason[],
  movedTo: Stage | null,
  lang: NoteLanguage,
): string {
  const head =
    lang === 'ru'
      ? `⛔ erp-bridge: не хватает товара на складе${movedTo ? ', сделка возвращена на предыдущий этап' : ''}.`
      : `⛔ erp-bridge: not enough stock${movedTo ? '; the deal was moved back' : ''}.`;
  const lines = reasons.map((r) => {
    const per = r.warehouses.map((w) => `${w.warehouseName}: ${fmt(w.free, lang)}`).join(', ');
    return lang === 'ru'
      ? `• ${r.sku ?? '—'} ${r.name}: нужно ${fmt(r.requested, lang)}, свободно ${fmt(r.freeTotal, lang)}${per ? ` (${per})` : ''}`
      : `• ${r.sku ?? '—'} ${r.name}: requested ${fmt(r.requested, lang)}, available ${fmt(r.freeTotal, lang)}${per ? ` (${per})` : ''}`;
  });
  return [head, ...lines].join('\n');
}

export function unblockedNote(lang: NoteLanguage): string {
  return lang === 'ru'
    ? '✅ erp-bridge: товара снова достаточно, сделка разблокирована.'
    : '✅ erp-bridge: stock is sufficient again; the deal is unblocked.';
}

export function taskText(reasons: readonly GuardReason[], lang: NoteLanguage): string {
  const skus = reasons.map((r) => r.sku ?? r.name).join(', ');
  return lang === 'ru'
    ? `Нет в наличии: ${skus}. Согласуйте замену или срок поставки.`
    : `Out of stock: ${skus}. Agree a replacement or delivery date.`;
}
