import { describe, expect, it } from 'vitest';
import { FieldError, readDate, reader, readNumber, readString, toIsoDate } from './values.js';

describe('dates', () => {
  it('reads naive date-times in the mapping time zone and writes the offset', () => {
    expect(toIsoDate('2026-10-02 11:20:00.000000', 'auto', 'Europe/Moscow')).toBe(
      '2026-10-02T11:20:00+03:00',
    );
    expect(toIsoDate('2026-10-02 08:20:00', 'auto', 'UTC')).toBe('2026-10-02T08:20:00+00:00');
    expect(toIsoDate('2026-11-12', 'auto', 'Europe/Moscow')).toBe('2026-11-12T00:00:00+03:00');
    expect(toIsoDate('2026-07-01T12:00', 'local', 'Europe/Berlin')).toBe('2026-07-01T12:00:00+02:00');
    expect(toIsoDate('2026-01-15 12:00:00', 'local', 'Europe/Berlin')).toBe('2026-01-15T12:00:00+01:00');
    expect(toIsoDate('2026-03-10 09:30:00', 'auto', 'America/New_York')).toBe('2026-03-10T09:30:00-04:00');
  });

  it('keeps ISO strings with an offset and reads epochs', () => {
    expect(toIsoDate('2026-10-02T11:20:00+03:00', 'auto', 'UTC')).toBe('2026-10-02T11:20:00+03:00');
    expect(toIsoDate('2026-10-02T08:20:00Z', 'iso', 'UTC')).toBe('2026-10-02T08:20:00Z');
    expect(toIsoDate(1_790_000_000, 'auto', 'UTC')).toBe(toIsoDate(1_790_000_000_000, 'epoch_ms', 'UTC'));
    expect(toIsoDate(0, 'epoch_s', 'Europe/Moscow')).toBe('1970-01-01T03:00:00+03:00');
  });

  it('refuses what it cannot read', () => {
    expect(toIsoDate('02.10.2026', 'auto', 'UTC')).toBeNull();
    expect(toIsoDate('2026-10-02 11:20:00', 'iso', 'UTC')).toBeNull();
    expect(toIsoDate(false, 'auto', 'UTC')).toBeNull();
    expect(() => readDate({ d: false }, reader('d', 'UTC'))).toThrow(FieldError);
  });
});

describe('fields', () => {
  it('reads numbers strictly, scaled when asked', () => {
    expect(readNumber({ sum: 899000 }, reader({ path: 'sum', divideBy: 100 }, 'UTC'), true)).toBe(8990);
    expect(readNumber({ q: 0 }, reader('q', 'UTC'), true)).toBe(0);
    for (const bad of [{ q: '12' }, { q: false }, { q: Number.NaN }, { q: [1] }]) {
      expect(() => readNumber(bad, reader('q', 'UTC'), true), JSON.stringify(bad)).toThrow(FieldError);
    }
    expect(() => readNumber({}, reader('q', 'UTC'), true)).toThrow(/missing/);
    expect(readNumber({ q: null }, reader('q', 'UTC'), false)).toBeNull();
  });

  it("reads Odoo's false and Frappe's null as no value", () => {
    expect(readString({ vat: false }, reader('vat', 'UTC'), false)).toBeNull();
    expect(readString({ tax_id: null }, reader('tax_id', 'UTC'), false)).toBeNull();
    expect(readString({ id: 7 }, reader('id', 'UTC'), true)).toBe('7');
    expect(() => readString({ id: false }, reader('id', 'UTC'), true)).toThrow(FieldError);
    expect(() => readString({ id: { a: 1 } }, reader('id', 'UTC'), true)).toThrow(/not a string/);
  });

  it('takes the first non-empty value a wildcard reaches', () => {
    expect(readString({ phones: [null, '', '+7 495'] }, reader('phones[*]', 'UTC'), false)).toBe('+7 495');
  });
});
