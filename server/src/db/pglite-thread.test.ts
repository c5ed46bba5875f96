import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PgliteThread } from './pglite-thread.js';

describe('the embedded database on its own thread', () => {
  let engine: PgliteThread;
  beforeAll(async () => {
    engine = await PgliteThread.start({ dir: 'memory://' });
    await engine.exec('create table t (id int primary key, at timestamptz, note text)');
  });
  afterAll(async () => {
    await engine.close();
  });

  it("runs the engine's work off this thread: a long statement does not hold timers", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    const { rows } = await engine.query<{ n: number }>(
      'select count(*)::int as n from generate_series(1, 3000000)',
    );
    const tookMs = performance.now() - started;
    clearInterval(timer);
    expect(rows[0]?.n).toBe(3_000_000);
    // In this thread the statement would run start to end with no timer in between.
    expect(tookMs).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThan(tookMs / 5 / 4);
  });

  it("keeps PostgreSQL's error fields, and the next call works", async () => {
    await engine.query('insert into t (id, note) values (1, $1)', ['first']);
    const err = await engine.query('insert into t (id) values (1)').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: '23505', constraint: 't_pkey', table: 't' });
    expect((await engine.query('select note from t where id = 1')).rows).toEqual([{ note: 'first' }]);
  });

  it('commits a transaction, and rolls one back when its callback throws', async () => {
    await engine.transaction(async (tx) => {
      await tx.query('insert into t (id, note) values (2, $1)', ['kept']);
    });
    const failed = engine.transaction(async (tx) => {
      await tx.query('insert into t (id, note) values (3, $1)', ['gone']);
      throw new Error('changed my mind');
    });
    await expect(failed).rejects.toThrow('changed my mind');
    const { rows } = await engine.query<{ id: number }>('select id from t where id in (2, 3) order by id');
    expect(rows).toEqual([{ id: 2 }]);
  });

  it('runs a call from outside an open transaction after it, never inside it', async () => {
    let outside: Promise<unknown> | undefined;
    const failed = engine.transaction(async (tx) => {
      await tx.query("insert into t (id, note) values (20, 'inside')");
      outside = engine.query("insert into t (id, note) values (21, 'outside')");
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('roll back');
    });
    await expect(failed).rejects.toThrow('roll back');
    await outside;
    const { rows } = await engine.query<{ id: number }>('select id from t where id in (20, 21) order by id');
    expect(rows).toEqual([{ id: 21 }]);
  });

  it("takes COPY's data as a Blob, and keeps timestamps as text for Drizzle's identity parsers", async () => {
    await engine.query("copy t (id, at, note) from '/dev/blob'", [], {
      blob: new Blob(['10\t2026-12-02 10:00:00+00\tcopied\n']),
    });
    const asText = await engine.query<[number, string]>('select id, at from t where id = 10', [], {
      rowMode: 'array',
      parsers: { 1184: (value: string) => value },
    });
    expect(asText.rows).toEqual([[10, '2026-12-02 10:00:00+00']]);
    const parsed = await engine.query<{ at: Date }>('select at from t where id = 10');
    expect(parsed.rows[0]?.at).toEqual(new Date('2026-12-02T10:00:00Z'));
  });

  it('refuses a parser that cannot cross threads, rather than ignore it', () => {
    expect(() => engine.query('select 1', [], { parsers: { 23: (v: string) => Number(v) * 2 } })).toThrow(
      /identity parsers only/,
    );
  });

  it("keeps one clock with its caller: PostgreSQL's now() follows a system time set here", async () => {
    const nowOf = async () =>
      new Date((await engine.query<{ t: string }>('select now()::text as t')).rows[0]?.t as string).getTime();
    expect(Math.abs((await nowOf()) - Date.now())).toBeLessThan(1000);
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    try {
      vi.setSystemTime(Date.now() + 20 * 60_000);
      expect(Math.abs((await nowOf()) - Date.now())).toBeLessThan(1000);
    } finally {
      vi.useRealTimers();
    }
    expect(Math.abs((await nowOf()) - Date.now())).toBeLessThan(1000);
  });

  it('fails calls after close instead of waiting forever', async () => {
    const other = await PgliteThread.start({ dir: 'memory://' });
    await other.close();
    expect(other.closed).toBe(true);
    await expect(other.query('select 1')).rejects.toThrow(/closed/);
  });

  it('says it is lost when its thread dies (here: out of memory), and fails every call after', async () => {
    // A small heap for the engine's thread; a result of ~200 MB of text cannot fit in it.
    const doomed = await PgliteThread.start(
      { dir: 'memory://' },
      { resourceLimits: { maxOldGenerationSizeMb: 32 } },
    );
    let lost: Error | undefined;
    void doomed.lost.then((err) => {
      lost = err;
    });
    await expect(doomed.query("select repeat('x', 1000000) from generate_series(1, 200)")).rejects.toThrow();
    await vi.waitFor(() => expect(lost).toBeInstanceOf(Error));
    await expect(doomed.query('select 1')).rejects.toThrow();
  });

  it('is never lost after a close', async () => {
    const other = await PgliteThread.start({ dir: 'memory://' });
    await other.close();
    const settled = await Promise.race([
      other.lost.then(() => 'lost'),
      new Promise((r) => setTimeout(r, 200, 'open')),
    ]);
    expect(settled).toBe('open');
  });
});
