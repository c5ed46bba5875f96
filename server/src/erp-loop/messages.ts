import type { InvoiceLoopState } from '@erp-bridge/shared';

export type LoopLanguage = 'ru' | 'en';

const STATE_WORDS: Record<LoopLanguage, Record<InvoiceLoopState, string>> = {
  ru: { issued: 'выставлен', partially_paid: 'оплачен частично', paid: 'оплачен', cancelled: 'отменён' },
  en: { issued: 'issued', partially_paid: 'partially paid', paid: 'paid', cancelled: 'cancelled' },
};

const money = (lang: LoopLanguage, amount: number, currency: string) =>
  new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US', { style: 'currency', currency }).format(amount);

/**
 * The marker that makes a note findable after a crash: the outbox's dedupe key, in the text, so
 * a send interrupted between amoCRM's answer and our commit is found instead of written twice.
 */
export const noteMarker = (key: string) => `[erpb:${key}]`;

export function invoiceNote(
  lang: LoopLanguage,
  i: {
    number: string | null;
    state: InvoiceLoopState;
    paid: number;
    sum: number;
    currency: string;
    link: string | null;
  },
  key: string,
): string {
  const head =
    lang === 'ru'
      ? `💳 erp-bridge: счёт № ${i.number ?? '—'} ${STATE_WORDS.ru[i.state]}: оплачено ${money(lang, i.paid, i.currency)} из ${money(lang, i.sum, i.currency)}`
      : `💳 erp-bridge: invoice ${i.number ?? '—'} ${STATE_WORDS.en[i.state]}: ${money(lang, i.paid, i.currency)} of ${money(lang, i.sum, i.currency)} paid`;
  return `${head}${i.link ? `\n${i.link}` : ''}\n${noteMarker(key)}`;
}

export function orderNote(
  lang: LoopLanguage,
  o: { number: string; reserved: Record<string, number>; released: boolean; link: string | null },
  key: string,
): string {
  const lines = Object.entries(o.reserved)
    .map(([sku, q]) => `${sku} × ${q}`)
    .join(', ');
  const head = o.released
    ? lang === 'ru'
      ? `📦 erp-bridge: резерв по заказу № ${o.number} снят`
      : `📦 erp-bridge: the reserve of order ${o.number} was released`
    : lang === 'ru'
      ? `📦 erp-bridge: заказ № ${o.number} создан, в резерве: ${lines || '—'}`
      : `📦 erp-bridge: order ${o.number} created, reserved: ${lines || '—'}`;
  return `${head}${o.link ? `\n${o.link}` : ''}\n${noteMarker(key)}`;
}
