import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/open.js';
import { testBackends } from '../db/test-databases.js';
import { createDbScheduler, createMemoryScheduler } from './rate-limit.js';

describe('memory slot scheduler', () => {
  it('spaces reservations of one account and keeps accounts independent', async () => {
    const s = createMemoryScheduler({ requestsPerSecond: 10, marginMs: 0 });
    const waits = [await s.reserve(1), await s.reserve(1), await s.reserve(1), await s.reserve(2)];
    expect(waits[0]).toBeCloseTo(0, 0);
    expect(waits[1]).toBeGreaterThan(90);
    expect(waits[2]).toBeGreaterThan(190);
    expect(waits[3]).toBeCloseTo(0, 0);
  });
});

describe.each(testBackends)('database slot scheduler on $name', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(() => database.close());

  it('hands out one slot per spacing across callers, never two at once', async () => {
    const s = createDbScheduler(database.db, { requestsPerSecond: 7, marginMs: 0 });
    const waits = await Promise.all(Array.from({ length: 14 }, () => s.reserve(42)));
    const sorted = [...waits].sort((a, b) => a - b);
    // 14 requests at 7/s: the last waits about 13 spacings of 143 ms.
    expect(sorted[0]).toBeLessThan(50);
    expect(sorted[13]).toBeGreaterThan(1700);
    for (let i = 1; i < sorted.length; i++)
      expect((sorted[i] ?? 0) - (sorted[i - 1] ?? 0)).toBeGreaterThan(100);
  });
});
