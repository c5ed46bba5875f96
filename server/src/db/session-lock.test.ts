import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { trySessionLock } from './session-lock.js';
import { freshDatabase, postgresForTests } from './test-databases.js';

// The lock several instances share (the ERP loop's one-order-run-per-deal): held while the holder
// works, refused to others, and freed by PostgreSQL itself when the holder's connection dies.
const adminUrl = postgresForTests();

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe.runIf(adminUrl)('session lock (PostgreSQL)', () => {
  it('is refused while held and free again after unlock', async () => {
    const url = await freshDatabase();
    const a = new pg.Pool({ connectionString: url, max: 2 });
    const b = new pg.Pool({ connectionString: url, max: 2 });
    cleanups.push(async () => {
      await a.end();
      await b.end();
    });
    const held = await trySessionLock(a, 1, 7);
    expect(held).not.toBeNull();
    expect(await trySessionLock(b, 1, 7)).toBeNull();
    const otherKey = await trySessionLock(b, 1, 8);
    expect(otherKey).not.toBeNull();
    await otherKey?.();
    await held?.();
    const again = await trySessionLock(b, 1, 7);
    expect(again).not.toBeNull();
    await again?.();
  });

  it('frees the lock of a holder whose connection died (a worker killed with kill -9)', async () => {
    const url = await freshDatabase();
    const holder = new pg.Pool({ connectionString: url, max: 1 });
    const other = new pg.Pool({ connectionString: url, max: 1 });
    cleanups.push(async () => {
      await holder.end().catch(() => {});
      await other.end();
    });
    const held = await trySessionLock(holder, 1, 42);
    expect(held).not.toBeNull();
    expect(await trySessionLock(other, 1, 42)).toBeNull();
    // The holder's backend goes away as a killed process's connection does.
    await other.query(
      `select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and objid = 42 and granted and database = (select oid from pg_database where datname = current_database())`,
    );
    let unlock: Awaited<ReturnType<typeof trySessionLock>> = null;
    for (let i = 0; i < 50 && !unlock; i++) {
      unlock = await trySessionLock(other, 1, 42);
      if (!unlock) await new Promise((r) => setTimeout(r, 100));
    }
    expect(unlock).not.toBeNull();
    await unlock?.();
    // The dead holder's unlock fails quietly and gives its broken connection back.
    await held?.();
  });
});
