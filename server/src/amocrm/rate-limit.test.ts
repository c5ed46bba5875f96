import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/open.js';
import { testBackends } from '../db/test-databases.js';
import {
  createDbScheduler,
  createMemoryScheduler,
  type SlotScheduler,
  WidgetLaneFull,
} from './rate-limit.js';

/** Send times of n callers that all ask at once. */
async function sendTimes(s: SlotScheduler, accountId: number, n: number) {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: n }, () => s.acquire(accountId).then(() => times.push(performance.now()))),
  );
  return times.sort((a, b) => a - b);
}

/** Milliseconds from the first send to the last. */
const span = (times: number[]) => (times.at(-1) ?? 0) - (times[0] ?? 0);

const maxPerWindow = (times: number[], windowMs = 1000) => {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] ?? 0) - (times[j] ?? 0) >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
};

describe('memory slot scheduler', () => {
  it('never lets more than the limit through in any second, and keeps accounts independent', async () => {
    const s = createMemoryScheduler({ requestsPerSecond: 10 });
    const [a, b] = await Promise.all([sendTimes(s, 1, 25), sendTimes(s, 2, 5)]);
    expect(maxPerWindow(a)).toBeLessThanOrEqual(10);
    // A lone burst within the limit goes out without waiting for a window (only the small gap).
    expect(span(b)).toBeLessThan(300);

    expect(span(a)).toBeGreaterThan(2000);
    expect(span(b)).toBeLessThan(1000);
  });

  it('holds the spacing even when the event loop stalls', async () => {
    const s = createMemoryScheduler({ requestsPerSecond: 10 });
    const pending = sendTimes(s, 3, 12);
    const until = performance.now() + 400;
    while (performance.now() < until) {} // a 400 ms stall: timers fire late, together
    expect(maxPerWindow(await pending)).toBeLessThanOrEqual(10);
  });
});

describe('lanes: the guard keeps its share of the window', () => {
  it('lets widget reads use at most their share of any window, and serves guard waiters first', async () => {
    const s = createMemoryScheduler({ requestsPerSecond: 7, widgetShare: 4, widgetWaitMs: 60_000 });
    const order: string[] = [];
    const widget = Array.from({ length: 12 }, (_, i) =>
      s.acquire(7, { lane: 'widget' }).then(() => order.push(`w${i}`)),
    );
    await new Promise((r) => setTimeout(r, 30));
    // Guard work arriving behind a queue of card reads does not wait for them.
    const guard = Array.from({ length: 3 }, (_, i) => s.acquire(7).then(() => order.push(`g${i}`)));
    await Promise.all(guard);
    expect(order.filter((x) => x.startsWith('w')).length).toBeLessThanOrEqual(4);
    await Promise.all(widget);
    const widgetTimes: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, () =>
        s.acquire(8, { lane: 'widget' }).then(() => widgetTimes.push(performance.now())),
      ),
    );
    expect(maxPerWindow(widgetTimes.sort((a, b) => a - b))).toBeLessThanOrEqual(4);
  });

  it("never makes a guard burst wait for card reads to leave the window: the widget leaves the guard's reserve free", async () => {
    const s = createMemoryScheduler({ requestsPerSecond: 7, widgetShare: 4, widgetWaitMs: 60_000 });
    // Card reads keep their lane full (as 64 connections reading missing deals do). A reserve of
    // three (share 4 of 7), configured: the default reserve is two (see widgetShare).
    const widget = Array.from({ length: 12 }, () => s.acquire(11, { lane: 'widget' }));
    await new Promise((r) => setTimeout(r, 400));
    // A guard enforcement's first three requests (read, move back, note), back to back: the
    // window's reserve (limit 7 minus the widget's share of 4) is theirs.
    const started = performance.now();
    for (let i = 0; i < 3; i++) await s.acquire(11);
    // Only the small gap between sends (about 71 ms each), never the rest of a 1.3 s window.
    expect(performance.now() - started).toBeLessThan(600);
    await Promise.all(widget);
  });

  it('refuses a card read it cannot serve in time, with how long to wait, and one beyond the queue bound at once', async () => {
    const s = createMemoryScheduler({
      requestsPerSecond: 7,
      widgetShare: 4,
      widgetWaitMs: 300,
      widgetQueue: 10,
    });
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, () =>
        s.acquire(12, { lane: 'widget' }).then(
          () => 'sent',
          (e: unknown) => e,
        ),
      ),
    );
    const refused = outcomes.filter((o): o is WidgetLaneFull => o instanceof WidgetLaneFull);
    // Four go in the first window; of the rest, two exceed the queue bound and six run out of time.
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(4);
    expect(refused).toHaveLength(8);
    for (const r of refused) expect(r.retryAfterMs).toBeGreaterThanOrEqual(1300);
    // The guard is not subject to either bound.
    await expect(s.acquire(12)).resolves.toBeUndefined();
  });

  it('drops a waiter whose signal fires: it never takes a slot', async () => {
    const s = createMemoryScheduler({ requestsPerSecond: 2 });
    await s.acquire(9);
    await s.acquire(9);
    const abandoned = new AbortController();
    const gone = s.acquire(9, { lane: 'widget', signal: abandoned.signal });
    const waiting = s.acquire(9);
    abandoned.abort();
    await expect(gone).rejects.toThrow();
    const started = performance.now();
    await waiting;
    // The guard waiter went in the first free slot, not after the abandoned one.
    expect(performance.now() - started).toBeLessThan(1400);
  });
});

describe.each(testBackends)('database slot scheduler on $name', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(() => database.close());

  it('shares one window between two schedulers (two instances) on one database', async () => {
    const one = createDbScheduler(database.db, { requestsPerSecond: 7 });
    const two = createDbScheduler(database.db, { requestsPerSecond: 7 });
    const [a, b] = await Promise.all([sendTimes(one, 42, 7), sendTimes(two, 42, 7)]);
    const all = [...a, ...b].sort((x, y) => x - y);
    expect(maxPerWindow(all)).toBeLessThanOrEqual(7);
    expect(span(all)).toBeGreaterThan(1000);
  });

  it("keeps the guard's reserve in the shared window: card reads of all instances take at most their share", async () => {
    const one = createDbScheduler(database.db, {
      requestsPerSecond: 7,
      widgetShare: 4,
      widgetWaitMs: 60_000,
    });
    const two = createDbScheduler(database.db, {
      requestsPerSecond: 7,
      widgetShare: 4,
      widgetWaitMs: 60_000,
    });
    const times: number[] = [];
    const read = (s: SlotScheduler) =>
      s.acquire(43, { lane: 'widget' }).then(() => times.push(performance.now()));
    await Promise.all([
      ...Array.from({ length: 4 }, () => read(one)),
      ...Array.from({ length: 4 }, () => read(two)),
    ]);
    expect(maxPerWindow(times.sort((a, b) => a - b))).toBeLessThanOrEqual(4);
  });
});
