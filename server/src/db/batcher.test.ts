import { describe, expect, it } from 'vitest';
import { createBatcher } from './batcher.js';

const tick = () => new Promise<void>((r) => setTimeout(r, 5));

describe('batcher (group commit)', () => {
  it('puts what arrives while a write is in flight into the next write, answering each in order', async () => {
    const writes: number[][] = [];
    const batcher = createBatcher<number, number>({
      async write(items) {
        writes.push(items);
        await tick();
        return items.map((i) => i * 10);
      },
    });
    const first = [1, 2, 3].map((i) => batcher.add(i));
    await new Promise((r) => setImmediate(r)); // the first write starts
    const later = [4, 5, 6, 7].map((i) => batcher.add(i));
    expect(await Promise.all([...first, ...later])).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(writes).toEqual([
      [1, 2, 3],
      [4, 5, 6, 7],
    ]);
  });

  it('answers no caller before the write carrying its item has finished', async () => {
    let finished = false;
    const batcher = createBatcher<string, string>({
      async write(items) {
        await tick();
        finished = true;
        return items;
      },
    });
    await batcher.add('a');
    expect(finished).toBe(true);
  });

  it('keeps batches within maxBatch and statements within maxInFlight', async () => {
    let inFlight = 0;
    let most = 0;
    const sizes: number[] = [];
    const batcher = createBatcher<number, number>({
      maxBatch: 4,
      maxInFlight: 2,
      async write(items) {
        inFlight++;
        most = Math.max(most, inFlight);
        sizes.push(items.length);
        await tick();
        inFlight--;
        return items;
      },
    });
    await Promise.all(Array.from({ length: 20 }, (_, i) => batcher.add(i)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(most).toBe(2);
  });

  it('tries each item alone when a shared write fails, so one bad item fails only itself', async () => {
    const batcher = createBatcher<number, number>({
      async write(items) {
        if (items.includes(13)) throw new Error('bad batch');
        return items;
      },
      async single(item) {
        if (item === 13) throw new Error('bad item');
        return item;
      },
    });
    const results = await Promise.allSettled([1, 13, 2].map((i) => batcher.add(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('with lingerMs, the first item of a quiet moment waits for company and they share one write', async () => {
    const writes: number[][] = [];
    const batcher = createBatcher<number, number>({
      lingerMs: 30,
      async write(items) {
        writes.push([...items]);
        return items;
      },
    });
    const done: Promise<number>[] = [];
    for (let i = 1; i <= 4; i++) {
      done.push(batcher.add(i));
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await Promise.all(done)).toEqual([1, 2, 3, 4]);
    expect(writes).toEqual([[1, 2, 3, 4]]);
  });
  it('with lingerAfterWrite, what arrives during a write also waits the linger after it, and goes with later arrivals', async () => {
    const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    const run = async (lingerAfterWrite: boolean) => {
      const writes: number[][] = [];
      const batcher = createBatcher<number, number>({
        lingerMs: 30,
        lingerAfterWrite,
        async write(items) {
          writes.push(items);
          await sleep(50);
          return items;
        },
      });
      const one = batcher.add(1); // written after the 30 ms linger, in flight for 50 ms
      await sleep(40);
      const two = batcher.add(2); // arrives while [1] is in flight
      await one;
      await sleep(10);
      await Promise.all([two, batcher.add(3)]);
      return writes;
    };
    expect(await run(false)).toEqual([[1], [2], [3]]);
    expect(await run(true)).toEqual([[1], [2, 3]]);
  });
});
