import { describe, expect, it } from 'vitest';
import { createHandOff } from './hand-off.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('the hand-off of stored hooks to the queue', () => {
  it('sends the rows stored while one hand-off is in flight together in the next', async () => {
    const sent: number[][] = [];
    let release = () => {};
    const handOff = createHandOff(
      async (ids) => {
        sent.push([...ids]);
        if (sent.length === 1) await new Promise<void>((r) => (release = r));
      },
      { lingerMs: 0 },
    );
    const first = handOff([1]);
    await tick();
    expect(sent).toEqual([[1]]);
    // Three group commits later, each in a turn of its own, while the first hand-off still runs.
    const later = [
      handOff([2, 3]),
      tick().then(() => handOff([4])),
      tick()
        .then(tick)
        .then(() => handOff([3, 5])),
    ];
    await tick();
    await tick();
    await tick();
    expect(sent).toEqual([[1]]);
    release();
    await Promise.all([first, ...later]);
    expect(sent).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('retries a failed hand-off list by list: one bad list fails alone', async () => {
    const sent: number[][] = [];
    const handOff = createHandOff(
      async (ids) => {
        sent.push([...ids]);
        if (ids.includes(666)) throw new Error('refused');
      },
      { lingerMs: 0 },
    );
    const results = await Promise.allSettled([handOff([1]), handOff([666]), handOff([2])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(sent).toEqual([[1, 666, 2], [1], [666], [2]]);
  });

  it('lets the first list wait a moment for others: hooks at a steady rate share a hand-off', async () => {
    const sent: number[][] = [];
    const handOff = createHandOff(async (ids) => void sent.push([...ids]), { lingerMs: 30 });
    // Five hooks 5 ms apart, each its own group commit.
    const done: Promise<void>[] = [];
    for (let id = 1; id <= 5; id++) {
      done.push(handOff([id]));
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(done);
    expect(sent).toEqual([[1, 2, 3, 4, 5]]);
  });
});
