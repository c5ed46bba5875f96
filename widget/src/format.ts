import type { Money } from '@erp-bridge/shared';

// Intl formatters are costly to build and a panel formats dozens of numbers: build each once.
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.NumberFormat | undefined;
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    cache.set(key, format);
  }
  return format;
}

/** Quantities may be fractional (kg, m): up to three decimals, none when whole. */
export function formatQty(value: number, locale: string): string {
  return numberFormat(locale, { maximumFractionDigits: 3 }).format(value);
}

export function formatMoney(money: Money, locale: string): string {
  try {
    return numberFormat(locale, {
      style: 'currency',
      currency: money.currency,
      // "₽35.90" rather than "RUB 35.90" in English; the code is still shown where no symbol exists.
      currencyDisplay: 'narrowSymbol',
    }).format(money.amount);
  } catch {
    // An ERP may send a code Intl does not know; show the figure rather than nothing.
    return `${formatQty(money.amount, locale)} ${money.currency}`;
  }
}

/** Kommo's markets write the day first: English dates follow en-GB (01/12/2026), not en-US. */
const dayFirst = (locale: string) => (/^en(-US)?$/i.test(locale) ? 'en-GB' : locale);

function dateFormat(iso: string, locale: string, withTime: boolean): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const key = `d|${locale}|${withTime}`;
  let format = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) {
    format = new Intl.DateTimeFormat(
      dayFirst(locale),
      withTime ? { dateStyle: 'short', timeStyle: 'short' } : { dateStyle: 'short' },
    );
    cache.set(key, format);
  }
  return format.format(date);
}

/** Short date and time of an ISO timestamp; the raw string when it does not parse. */
export const formatDateTime = (iso: string, locale: string): string => dateFormat(iso, locale, true);

/** Short date (documents are dated by day); the raw string when it does not parse. */
export const formatDate = (iso: string, locale: string): string => dateFormat(iso, locale, false);

/** "5 minutes ago" / "через 2 часа" for an ISO time relative to `now`; '' when it does not parse. */
export function formatAge(iso: string, locale: string, now = Date.now()): string {
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return '';
  const seconds = Math.round((at - now) / 1000);
  const abs = Math.abs(seconds);
  const [value, unit]: [number, Intl.RelativeTimeFormatUnit] =
    abs < 60
      ? [seconds, 'second']
      : abs < 3600
        ? [seconds / 60, 'minute']
        : abs < 86400
          ? [seconds / 3600, 'hour']
          : [seconds / 86400, 'day'];
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.round(value), unit);
}

export type BalanceKind = 'debt' | 'credit' | 'zero';

/**
 * A customer's balance as the panel shows it: the contract's sign (negative = the customer owes
 * us) becomes a kind, and the amount is shown without its sign ("Долг 15 000,50 ₽").
 */
export function balanceView(balance: Money, locale: string): { kind: BalanceKind; amount: string } {
  // Kopecks left over from float sums are not a debt.
  const kind: BalanceKind =
    Math.abs(balance.amount) < 0.005 ? 'zero' : balance.amount < 0 ? 'debt' : 'credit';
  return {
    kind,
    amount: formatMoney(
      { amount: kind === 'zero' ? 0 : Math.abs(balance.amount), currency: balance.currency },
      locale,
    ),
  };
}

/** Sum of price x requested over the lines, or null when a price is missing or currencies differ. */
export function linesTotal(lines: readonly { price: Money | null; requested: number }[]): Money | null {
  let total: Money | null = null;
  for (const line of lines) {
    if (line.price === null) return null;
    if (total === null) total = { amount: 0, currency: line.price.currency };
    else if (total.currency !== line.price.currency) return null;
    total.amount += line.price.amount * line.requested;
  }
  return total;
}

/** The URL when it is http(s), else undefined: an ERP-supplied link must not run script. */
export function safeUrl(url: string | null | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

/** A random RFC 4122 v4 UUID; crypto.randomUUID exists only in secure contexts, getRandomValues everywhere. */
export function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] as number) & 15) | 64;
  b[8] = ((b[8] as number) & 63) | 128;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Replaces {name} placeholders in a translated string. */
export function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => vars[name] ?? match);
}
