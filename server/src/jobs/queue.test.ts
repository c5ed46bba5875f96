import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/open.js';
import { testBackends } from '../db/test-databases.js';
import { createLogger } from '../log.js';
import { type JobQueue, startQueue } from './queue.js';

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe.each(testBackends)('job queue on $name', (backend) => {
  let database: Database;
  let queue: JobQueue;
  beforeAll(async () => {
    database = await backend.open();
    queue = await startQueue(database, createLogger('silent'));
  });
  afterAll(async () => {
    await queue.stop();
    await database.close();
  });

  it('runs a job right after it is sent, not at the next poll', async () => {
    const ran: number[] = [];
    await queue.define<{ n: number }>({ name: 'test.fast', handler: async ({ n }) => void ran.push(n) });
    await new Promise((r) => setTimeout(r, 2500)); // let the first idle poll pass
    const sentAt = performance.now();
    await queue.send('test.fast', { n: 1 });
    await until(() => ran.length === 1);
    expect(performance.now() - sentAt).toBeLessThan(1000);
  });

  it('runs a keyed job once however often it is sent', async () => {
    const ran: string[] = [];
    await queue.define<{ k: string }>({ name: 'test.keyed', handler: async ({ k }) => void ran.push(k) });
    const ids = await Promise.all(
      [1, 2, 3].map(() => queue.send('test.keyed', { k: 'same' }, { key: 'inbox-7' })),
    );
    expect(ids.filter(Boolean)).toHaveLength(1);
    await until(() => ran.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(ran).toEqual(['same']);
  });

  it('sends many jobs in one go, each key at most once', async () => {
    const ran: number[] = [];
    await queue.define<{ n: number }>({
      name: 'test.many',
      batchSize: 20,
      batchHandler: async (jobs) => void ran.push(...jobs.map((j) => j.data.n)),
    });
    await queue.sendMany(
      'test.many',
      [1, 2, 3, 4, 5].map((n) => ({ data: { n }, key: `k${n}` })),
    );
    await queue.sendMany(
      'test.many',
      [4, 5, 6].map((n) => ({ data: { n }, key: `k${n}` })),
    );
    await until(() => ran.length >= 6);
    await new Promise((r) => setTimeout(r, 300));
    expect(ran.sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('retries a failing job and dead-letters it after the retry limit', async () => {
    let attempts = 0;
    await queue.define<object>({
      name: 'test.flaky',
      retryLimit: 2,
      retryDelaySeconds: 1,
      retryDelayMaxSeconds: 1,
      handler: async () => {
        attempts++;
        throw new Error('ERP down');
      },
    });
    const dead: unknown[] = [];
    await queue.boss.work(
      'test.flaky.dead',
      { pollingIntervalSeconds: 1 },
      async (jobs) => void dead.push(...jobs),
    );
    await queue.send('test.flaky', { x: 1 });
    await until(() => dead.length === 1, 20_000);
    expect(attempts).toBe(3);
  }, 30_000);

  it('finishes a job that is in flight when the queue stops gracefully', async () => {
    const other = await startQueue(database, createLogger('silent'));
    let started = false;
    let finished = false;
    await other.define<object>({
      name: 'test.slow',
      handler: async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 700));
        finished = true;
      },
    });
    await other.send('test.slow', {});
    await until(() => started);
    await other.stop(5000);
    expect(finished).toBe(true);
  });
});
