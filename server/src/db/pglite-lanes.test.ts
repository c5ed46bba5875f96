import { afterEach, describe, expect, it } from 'vitest';
import { inBackground, whileAnswering } from '../lib/answer-lane.js';
import { type Database, openDatabase } from './open.js';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

async function engine() {
  database = await openDatabase({ dataDir: 'memory://' });
  const client = database.pglite;
  if (!client) throw new Error('expected PGlite');
  return client;
}

describe('embedded database lanes: answers before background work', () => {
  it("a request's statement overtakes a job's queued chain", async () => {
    const client = await engine();
    const order: string[] = [];
    // A job queues ten statements at once (what a pg-boss fetch plus a batch handler looks like).
    const job = inBackground(() =>
      Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          client.query('select $1::int as n', [i]).then(() => order.push(`job${i}`)),
        ),
      ),
    );
    const answer = whileAnswering(() => client.query('select 1').then(() => order.push('answer')));
    await Promise.all([job, answer]);
    // Without the lanes the answer would run eleventh (first come, first served).
    expect(order.indexOf('answer')).toBeLessThanOrEqual(1);
    // Each lane keeps its call order.
    expect(order.filter((o) => o !== 'answer')).toEqual(Array.from({ length: 10 }, (_, i) => `job${i}`));
  });

  it('a stream of answers cannot starve background work past the age bound', async () => {
    const client = await engine();
    let stop = false;
    let answered = 0;
    const answers = whileAnswering(async () => {
      // Four request chains that always have a statement waiting.
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (!stop) {
            await client.query('select pg_sleep(0.002)');
            answered++;
          }
        }),
      );
    });
    const t = performance.now();
    await inBackground(() => client.query('select 1'));
    const waited = performance.now() - t;
    stop = true;
    await answers;
    expect(answered).toBeGreaterThan(0);
    // 100 ms age bound, plus the statement in flight, plus a loaded machine's slack.
    expect(waited).toBeLessThan(1000);
  });

  it('errors, exec and transactions pass through; a failure does not stall the lane', async () => {
    const client = await engine();
    await expect(whileAnswering(() => client.query('select nope'))).rejects.toThrow(/nope/);
    const [res] = await client.exec('select 2 as two');
    expect(res?.rows).toEqual([{ two: 2 }]);
    const got = await inBackground(() =>
      client.transaction(async (tx) => (await tx.query<{ n: number }>('select 3 as n')).rows[0]?.n),
    );
    expect(got).toBe(3);
    expect((await client.query<{ n: number }>('select 4 as n')).rows).toEqual([{ n: 4 }]);
  });
});
