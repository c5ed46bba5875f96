import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/open.js';
import { testBackends } from '../../db/test-databases.js';
import { createReplayStore } from './replay-store.js';

describe.each(testBackends)('jti replay store on $name', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(() => database.close());
  const later = () => new Date(Date.now() + 60_000);

  it('lets exactly one of many concurrent claims of one jti win, in one batch or across batches', async () => {
    const store = createReplayStore(database);
    const jti = randomUUID();
    const results = await Promise.all(Array.from({ length: 50 }, () => store.claim(jti, 1, later())));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.claim(jti, 1, later())).toBe(false);
  });

  it('holds across two stores (two instances) on one database', async () => {
    const a = createReplayStore(database);
    const b = createReplayStore(database);
    const jti = randomUUID();
    const results = await Promise.all([a.claim(jti, 1, later()), b.claim(jti, 1, later())]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('accepts many distinct jtis claimed at once', async () => {
    const store = createReplayStore(database, { maxBatch: 64 });
    const results = await Promise.all(
      Array.from({ length: 300 }, () => store.claim(randomUUID(), 1, later())),
    );
    expect(results.every(Boolean)).toBe(true);
  });

  it('stores jtis with array-literal punctuation verbatim, each claim judged on its own', async () => {
    const store = createReplayStore(database);
    const odd = ['a"b,c}d{e\\f', 'NULL', '  spaced  ', 'кириллица-jti', `${randomUUID()}"`].map(
      (j) => `${j}-${randomUUID()}`,
    );
    const first = await Promise.all(odd.map((j) => store.claim(j, 1, later())));
    expect(first).toEqual(odd.map(() => true));
    for (const j of odd) expect(await store.has(j)).toBe(true);
    const again = await Promise.all(odd.map((j) => store.claim(j, 1, later())));
    expect(again).toEqual(odd.map(() => false));
  });

  it('forgets expired jtis when purged', async () => {
    const store = createReplayStore(database);
    const jti = randomUUID();
    await store.claim(jti, 1, new Date(Date.now() - 1000));
    expect(await store.has(jti)).toBe(true);
    const alive = randomUUID();
    await store.claim(alive, 1, new Date(Date.now() + 60_000));
    expect(await store.purgeExpired()).toBe(1);
    expect(await store.has(jti)).toBe(false);
    expect(await store.has(alive)).toBe(true);
  });
});
