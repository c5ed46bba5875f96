import { describe, expect, it } from 'vitest';
import { BoundedCache } from './bounded-cache.js';

describe('BoundedCache', () => {
  it('keeps at most max entries, evicting the least recently used', () => {
    const cache = new BoundedCache<number>({ max: 2, ttlMs: 60_000 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBeUndefined();
  });

  it('holds memory for the entries it has, not for its bound', () => {
    // 50 caches bounded at 100k entries each: lru-cache's up-front arrays would be ~190 MB.
    const held = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const before = held();
    const caches = Array.from(
      { length: 50 },
      () => new BoundedCache<number>({ max: 100_000, ttlMs: 60_000 }),
    );
    for (const [i, cache] of caches.entries()) cache.set(`k${i}`, i);
    expect(held() - before).toBeLessThan(20 * 1024 * 1024);
    expect(caches[7]?.get('k7')).toBe(7);
  });

  it('forgets entries after their time to live, per entry when asked', () => {
    let t = 1_000;
    const cache = new BoundedCache<string>({ max: 10, ttlMs: 100, now: () => t });
    cache.set('long', 'x');
    cache.set('short', 'y', { ttlMs: 10 });
    t += 20;
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('long')).toBe('x');
    t += 100;
    expect(cache.get('long')).toBeUndefined();
  });

  it('never stores an over-long key', async () => {
    const cache = new BoundedCache<number>({ max: 10, ttlMs: 1000, maxKeyLength: 8 });
    cache.set('x'.repeat(9), 1);
    expect(cache.size).toBe(0);
    let calls = 0;
    await cache.getOrLoad('y'.repeat(9), async () => ++calls);
    await cache.getOrLoad('y'.repeat(9), async () => ++calls);
    expect(calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('shares one load among concurrent callers and does not cache a failure', async () => {
    const cache = new BoundedCache<number>({ max: 10, ttlMs: 1000 });
    let calls = 0;
    const load = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      return 42;
    };
    const values = await Promise.all(Array.from({ length: 20 }, () => cache.getOrLoad('k', load)));
    expect(values.every((v) => v === 42)).toBe(true);
    expect(calls).toBe(1);

    await expect(cache.getOrLoad('bad', async () => Promise.reject(new Error('down')))).rejects.toThrow(
      'down',
    );
    expect(await cache.getOrLoad('bad', async () => 7)).toBe(7);
  });

  it('stores a loaded value with the ttl chosen for it', async () => {
    let t = 0;
    const cache = new BoundedCache<{ found: boolean }>({ max: 10, ttlMs: 1000, now: () => t });
    await cache.getOrLoad(
      'miss',
      async () => ({ found: false }),
      (v) => (v.found ? undefined : 50),
    );
    t = 60;
    expect(cache.get('miss')).toBeUndefined();
  });
});
