import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './retry-after.js';

const NOW = Date.UTC(1994, 10, 6, 8, 49, 0); // 37 s before the RFC's example date

describe('retryAfterMs (RFC 9110 §10.2.3)', () => {
  it('reads delay-seconds', () => {
    expect(retryAfterMs('120', NOW)).toBe(120_000);
    expect(retryAfterMs(' 0 ', NOW)).toBe(0);
    expect(retryAfterMs('1.5', NOW)).toBe(1500);
  });

  it('reads each HTTP-date form a recipient must accept, relative to now', () => {
    expect(retryAfterMs('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(37_000);
    expect(retryAfterMs('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(37_000);
    expect(retryAfterMs('Sun Nov  6 08:49:37 1994', NOW)).toBe(37_000);
  });

  it('treats a date in the past as "retry now"', () => {
    expect(retryAfterMs('Sun, 06 Nov 1994 08:00:00 GMT', NOW)).toBe(0);
  });

  it('ignores what is neither form, so the caller falls back to its backoff', () => {
    for (const bad of [null, undefined, '', '-5', 'soon', '1e3', '2026-12-01T10:00:00Z', 'Sun, 06 Nov 1994'])
      expect(retryAfterMs(bad, NOW), String(bad)).toBeUndefined();
  });
});
