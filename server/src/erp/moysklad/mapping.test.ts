import { describe, expect, it } from 'vitest';
import { chunkByUrlLength, fromKopecks, moscowToIso, phoneKey, toKopecks, toMoscowTime } from './mapping.js';

describe('MoySklad mapping', () => {
  it('converts kopecks and roubles without float drift', () => {
    expect(fromKopecks(79050, 'RUB')).toEqual({ amount: 790.5, currency: 'RUB' });
    expect(fromKopecks(-1500050, 'RUB').amount).toBe(-15000.5);
    expect(toKopecks(35.9)).toBe(3590);
    expect(toKopecks(0.1 + 0.2)).toBe(30);
  });

  it('reads Moscow datetimes as ISO with +03:00 and writes them back', () => {
    expect(moscowToIso('2026-11-12 15:05:00')).toBe('2026-11-12T15:05:00.000+03:00');
    expect(moscowToIso('2026-11-12 15:05:00.123')).toBe('2026-11-12T15:05:00.123+03:00');
    expect(moscowToIso('2026-11-12 15:05:00.5')).toBe('2026-11-12T15:05:00.500+03:00');
    expect(moscowToIso('2026-11-12T15:05:00Z')).toBeNull();
    expect(Date.parse(moscowToIso('2026-01-01 02:00:00') ?? '')).toBe(Date.parse('2025-12-31T23:00:00Z'));
    expect(toMoscowTime(new Date('2025-12-31T23:00:00.250Z'))).toBe('2026-01-01 02:00:00.250');
  });

  it('keys phones by their last 10 digits', () => {
    expect(phoneKey('+7 (495) 123-45-67')).toBe('4951234567');
    expect(phoneKey('84951234567')).toBe('4951234567');
    expect(phoneKey('8 (812) 555-00-00')).toBe(phoneKey('+78125550000'));
  });

  it('chunks values so every rendered URL stays within the limit', () => {
    const values = Array.from({ length: 100 }, (_, i) => `SKU-${String(i).padStart(4, '0')}`);
    const render = (chunk: string[]) =>
      `https://x.test/entity/product?filter=${encodeURIComponent(chunk.map((v) => `article=${v}`).join(';'))}`;
    const chunks = chunkByUrlLength(values, render, 300);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.flat()).toEqual(values);
    for (const chunk of chunks) expect(render(chunk).length).toBeLessThanOrEqual(300);
    expect(chunkByUrlLength(['x'.repeat(500)], render, 300)).toEqual([['x'.repeat(500)]]);
    expect(chunkByUrlLength([], render, 300)).toEqual([]);
  });
});
