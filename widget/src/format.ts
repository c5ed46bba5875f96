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

/** Short date and time of an ISO timestamp; the raw string when it does not parse. */
export function formatDateTime(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const key = `d|${locale}`;
  let format = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
    cache.set(key, format);
  }
  return format.format(date);
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

/** Replaces {name} placeholders in a translated string. */
export function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => vars[name] ?? match);
}
