import { describe, expect, it } from 'vitest';
import {
  balanceView,
  fill,
  formatAge,
  formatDate,
  formatDateTime,
  formatMoney,
  formatQty,
  linesTotal,
  safeUrl,
  uuid,
} from './format.js';

// Intl output uses (narrow) no-break spaces in ru; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('formatQty', () => {
  it('groups thousands per locale', () => {
    expect(plain(formatQty(12500, 'ru'))).toBe('12 500');
    expect(formatQty(12500, 'en')).toBe('12,500');
  });
  it('shows up to three decimals with the locale separator, none when whole', () => {
    expect(formatQty(1.5, 'ru')).toBe('1,5');
    expect(formatQty(0.1 + 0.2, 'en')).toBe('0.3');
    expect(formatQty(7, 'en')).toBe('7');
  });
});

describe('formatMoney', () => {
  it("uses the line's currency in the user's locale", () => {
    expect(plain(formatMoney({ amount: 1234.5, currency: 'RUB' }, 'ru'))).toBe('1 234,50 ₽');
    expect(formatMoney({ amount: 1234.5, currency: 'USD' }, 'en')).toBe('$1,234.50');
    expect(formatMoney({ amount: 35.9, currency: 'RUB' }, 'en')).toBe('₽35.90');
  });
  it('falls back to number + code for a currency Intl rejects', () => {
    expect(formatMoney({ amount: 10, currency: '12$' }, 'en')).toBe('10 12$');
  });
});

describe('formatDateTime', () => {
  it('formats an ISO time in the locale', () => {
    const text = formatDateTime('2026-03-04T05:06:00Z', 'en');
    expect(text).toMatch(/\d{1,2}\/\d{1,2}\/\d{2}/);
  });
  it('returns the raw string when it is not a date', () => {
    expect(formatDateTime('yesterday', 'ru')).toBe('yesterday');
  });
});

describe('linesTotal', () => {
  it('sums price x requested in one currency', () => {
    expect(
      linesTotal([
        { price: { amount: 100, currency: 'RUB' }, requested: 2 },
        { price: { amount: 50.5, currency: 'RUB' }, requested: 1 },
      ]),
    ).toEqual({ amount: 250.5, currency: 'RUB' });
  });
  it('gives no total when a price is missing or currencies differ', () => {
    expect(linesTotal([{ price: null, requested: 1 }])).toBeNull();
    expect(
      linesTotal([
        { price: { amount: 1, currency: 'RUB' }, requested: 1 },
        { price: { amount: 1, currency: 'USD' }, requested: 1 },
      ]),
    ).toBeNull();
  });
  it('gives no total for no lines', () => {
    expect(linesTotal([])).toBeNull();
  });
});

describe('fill', () => {
  it('replaces known placeholders and leaves unknown ones', () => {
    expect(fill('As of {time} ({zone})', { time: '10:00' })).toBe('As of 10:00 ({zone})');
  });
});

describe('balanceView', () => {
  it('shows a negative balance as a debt without its sign', () => {
    const view = balanceView({ amount: -15000.5, currency: 'RUB' }, 'ru');
    expect(view.kind).toBe('debt');
    expect(plain(view.amount)).toBe('15 000,50 ₽');
  });
  it('shows a positive balance as credit, in the locale', () => {
    const view = balanceView({ amount: 1200, currency: 'USD' }, 'en');
    expect(view).toEqual({ kind: 'credit', amount: '$1,200.00' });
  });
  it('treats zero and float dust as no debt, never "-0"', () => {
    expect(balanceView({ amount: 0, currency: 'RUB' }, 'ru').kind).toBe('zero');
    const dust = balanceView({ amount: -0.001, currency: 'RUB' }, 'en');
    expect(dust).toEqual({ kind: 'zero', amount: '₽0.00' });
  });
});

describe('formatDate and formatAge', () => {
  it('formats a document date without time', () => {
    expect(formatDate('2026-11-12T09:00:00Z', 'ru')).toBe('12.11.2026');
    // Day first in English too (Kommo's markets): 12 November, not December 11.
    expect(formatDate('2026-11-12T09:00:00Z', 'en')).toBe('12/11/2026');
    expect(formatDate('not a date', 'ru')).toBe('not a date');
  });
  it('says how old figures are, in the locale', () => {
    const now = Date.parse('2026-11-12T12:00:00Z');
    expect(formatAge('2026-11-12T11:55:00Z', 'en', now)).toBe('5 minutes ago');
    expect(formatAge('2026-11-12T09:00:00Z', 'ru', now)).toBe('3 часа назад');
    expect(formatAge('2026-11-10T12:00:00Z', 'en', now)).toBe('2 days ago');
    expect(formatAge('2026-11-12T12:00:00Z', 'en', now)).toBe('now');
    expect(formatAge('garbage', 'en', now)).toBe('');
  });
});

describe('safeUrl and uuid', () => {
  it('keeps http(s) links only', () => {
    expect(safeUrl('https://erp.example/invoices/1')).toBe('https://erp.example/invoices/1');
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl(null)).toBeUndefined();
  });
  it('makes distinct v4 UUIDs', () => {
    const a = uuid();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuid()).not.toBe(a);
  });
});
