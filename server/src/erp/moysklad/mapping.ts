import type { Money } from '@erp-bridge/shared';

/** MoySklad stores money in kopecks. */
export const fromKopecks = (kopecks: number, currency: string): Money => ({
  amount: Math.round(kopecks) / 100,
  currency,
});
export const toKopecks = (amount: number) => Math.round(amount * 100);

/** Moscow has been UTC+3 all year since 2014. */
const MSK_OFFSET_MS = 3 * 60 * 60 * 1000;
const MOSCOW_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,3})?$/;

/** "YYYY-MM-DD HH:mm:ss(.SSS)" in Moscow time -> ISO 8601 with +03:00; null when it is not one. */
export function moscowToIso(value: string): string | null {
  const m = MOSCOW_TIME.exec(value);
  if (!m) return null;
  const ms = (m[3] ?? '.000').padEnd(4, '0');
  return `${m[1]}T${m[2]}${ms}+03:00`;
}

/** A moment -> "YYYY-MM-DD HH:mm:ss.SSS" Moscow time, as MoySklad expects in bodies and filters. */
export function toMoscowTime(date: Date): string {
  return new Date(date.getTime() + MSK_OFFSET_MS).toISOString().replace('T', ' ').replace('Z', '');
}

export { phoneKey } from '../phone-key.js';

/**
 * Splits values into groups whose rendered URL stays within `maxLength` (MoySklad and proxies
 * reject very long URLs). A single value that alone is too long still gets its own group.
 */
export function chunkByUrlLength<T>(
  values: readonly T[],
  render: (chunk: T[]) => string,
  maxLength: number,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  for (const value of values) {
    const candidate = [...current, value];
    if (current.length && render(candidate).length > maxLength) {
      chunks.push(current);
      current = [value];
    } else {
      current = candidate;
    }
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/**
 * Filter values cannot carry `;` (it separates conditions); such a value would silently turn
 * into a different filter, so it is never sent.
 */
export const isFilterSafe = (value: string) => value.length > 0 && !value.includes(';');
