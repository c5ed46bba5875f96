import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/open.js';
import { exchangeContext } from '../lib/exchange.js';
import { createLogger } from '../log.js';
import { createJournalStore } from './store.js';
import { createJournalWriter } from './writer.js';

let database: Database;
beforeAll(async () => {
  database = await openDatabase({ dataDir: 'memory://', useTemplate: false });
});
afterAll(() => database?.close());

const record = (i: number, status = 200) => ({
  at: Date.now(),
  direction: 'out' as const,
  system: 'amocrm' as const,
  accountId: 42,
  method: 'GET',
  path: `/api/v4/leads/${i}?with=contacts&access_token=abc`,
  status,
  latencyMs: 3.4,
  attempt: 1,
});

describe('journal writer', () => {
  it('batches, sanitises, attributes from the context, and lists newest first with filters', async () => {
    const writer = createJournalWriter({ db: database.db, log: createLogger('silent'), flushMs: 60_000 });
    exchangeContext.run({ jobId: 'job-1', leadId: 7 }, () => writer.observe(record(7, 503)));
    for (let i = 0; i < 5; i++) writer.observe(record(i));
    await writer.flush();
    expect(writer.written).toBe(6);
    const store = createJournalStore(database.db);
    const all = await store.list(42, { hours: 24, errors: false, limit: 100 });
    expect(all).toHaveLength(6);
    expect(all.every((e) => !e.path.includes('?'))).toBe(true);
    const errors = await store.list(42, { hours: 24, errors: true, limit: 100 });
    expect(errors.map((e) => [e.status, e.jobId, e.leadId])).toEqual([[503, 'job-1', 7]]);
    expect(await store.list(42, { hours: 24, errors: false, leadId: 7, limit: 100 })).toHaveLength(1);
    expect(await store.list(43, { hours: 24, errors: false, limit: 100 })).toHaveLength(0);
    await writer.close();
  });

  it('never grows past its bound: a full buffer drops and counts', async () => {
    const writer = createJournalWriter({
      db: database.db,
      log: createLogger('silent'),
      flushMs: 60_000,
      batchRows: 1_000_000,
      maxBuffered: 10,
    });
    for (let i = 0; i < 25; i++) writer.observe(record(i));
    expect(writer.dropped).toBe(15);
    await writer.close();
    expect(writer.written).toBe(10);
  });

  it('purges rows older than the retention', async () => {
    const store = createJournalStore(database.db);
    const later = new Date(Date.now() + 15 * 86_400_000);
    expect(await store.purgeExpired(14, later)).toBeGreaterThan(0);
    expect(await store.list(42, { hours: 24, errors: false, limit: 100 })).toHaveLength(0);
  });
});
