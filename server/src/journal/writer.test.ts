import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/open.js';
import { testBackends } from '../db/test-databases.js';
import { exchangeContext } from '../lib/exchange.js';
import { createLogger } from '../log.js';
import { createJournalStore } from './store.js';
import { createJournalWriter, type JournalWriterOptions } from './writer.js';

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

describe.each(testBackends)('journal writer on $name', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(() => database?.close());
  const writerOf = (opts: Partial<JournalWriterOptions> = {}) =>
    createJournalWriter({ database, log: createLogger('silent'), flushMs: 60_000, ...opts });

  it('batches, sanitises, attributes from the context, and lists newest first with filters', async () => {
    const writer = writerOf();
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

  it('keeps every character of a value the bulk formats treat specially, and empty fields as NULL', async () => {
    const writer = writerOf();
    const odd = 'a\tb\\c\nd\re"f,g{h}NULL\\N';
    writer.observe({ ...record(1), accountId: 44, path: `/odd/${odd}`, requestId: odd, jobId: '' });
    writer.observe({ ...record(2), accountId: 44, requestId: 'NULL' });
    await writer.close();
    expect(writer.written).toBe(2);
    const [plain, special] = await createJournalStore(database.db).list(44, {
      hours: 24,
      errors: false,
      limit: 10,
    });
    expect(special?.requestId).toBe(odd);
    expect(special?.path).toBe(`/odd/${odd}`);
    expect(special?.jobId).toBe('');
    expect(special?.widgetRequestId).toBeNull();
    expect(plain?.requestId).toBe('NULL');
    expect(plain?.leadId).toBe(2);
  });

  it('writes a burst larger than one batch in several statements, all of it', async () => {
    const writer = writerOf({ batchRows: 7 });
    for (let i = 0; i < 50; i++) writer.observe({ ...record(i), accountId: 45 });
    await writer.close();
    expect(writer.written).toBe(50);
    expect(
      await createJournalStore(database.db).list(45, { hours: 24, errors: false, limit: 100 }),
    ).toHaveLength(50);
  });

  it('never grows past its bound: a full buffer drops and counts', async () => {
    const writer = writerOf({ batchRows: 1_000_000, maxBuffered: 10 });
    for (let i = 0; i < 25; i++) writer.observe(record(i));
    expect(writer.dropped).toBe(15);
    await writer.close();
    expect(writer.written).toBe(10);
  });

  it('purges rows older than the retention, in id order, and keeps the newer ones', async () => {
    const store = createJournalStore(database.db);
    const writer = writerOf();
    const fresh = Date.now() + 20 * 86_400_000;
    for (let i = 0; i < 3; i++) writer.observe({ ...record(i), accountId: 46, at: fresh });
    await writer.close();
    const later = new Date(Date.now() + 15 * 86_400_000);
    expect(await store.purgeExpired(14, later)).toBeGreaterThan(0);
    expect(await store.list(42, { hours: 24, errors: false, limit: 100 }, later)).toHaveLength(0);
    expect(await store.list(46, { hours: 24 * 14, errors: false, limit: 100 }, new Date(fresh))).toHaveLength(
      3,
    );
  });
});
