import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstallationRepo, type Installation } from '../amocrm/installations.js';
import { type Database, openDatabase } from '../db/open.js';
import { HOOKS_THAT_MOVE_THE_GAP } from './rules.js';
import { createSignals } from './signals.js';

const ACCOUNT = 31_000_001;
const now = new Date('2026-12-02T12:00:00Z');
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

let database: Database;
let inst: Installation;
beforeAll(async () => {
  database = await openDatabase({ dataDir: 'memory://' });
  const repo = createInstallationRepo(database.db);
  inst = await repo.upsert({ accountId: ACCOUNT, subdomain: 'signals', domain: 'amocrm.ru' });
  await repo.upsert({ accountId: ACCOUNT + 1, subdomain: 'other', domain: 'amocrm.ru' });
});
afterAll(() => database.close());

/** One stored body with `n` events, received `minutes` before now. */
async function hooks(accountId: number, body: string, minutes: number, n = 1, processed = true) {
  await database.db.execute(sql`
    with b as (insert into webhook_bodies (account_id, body, received_at)
      values (${accountId}, ${body}, ${ago(minutes)}::timestamptz) returning id)
    insert into webhook_inbox (account_id, dedupe_key, entity, action, entity_id, event, raw_body_id, received_at, processed_at)
    select ${accountId}, ${`${body}:${minutes}:`} || g, 'leads', 'update', g, '{}', (select id from b),
      ${ago(minutes)}::timestamptz, ${processed ? ago(minutes) : null}::timestamptz
    from generate_series(1, ${n}) g`);
}

describe('alert signals (read from the shared database)', () => {
  it('tells real hooks from reconciliation, counts the day up to the cap, finds the oldest pending', async () => {
    expect(await createSignals(database.db).of(inst, now)).toMatchObject({
      lastHookAt: null,
      hooksLast24h: 0,
      lastReconciledChangeAt: null,
      oldestPendingAt: null,
    });
    await hooks(ACCOUNT, 'leads[update]=old', 25 * 60, 3); // older than a day
    await hooks(ACCOUNT, 'leads[update]=a', 90, HOOKS_THAT_MOVE_THE_GAP + 50);
    await hooks(ACCOUNT, 'leads[update]=b', 30, 1, false);
    await hooks(ACCOUNT, 'reconcile 2026-12-02T11:50..11:55', 5, 2); // newer than any real hook
    await hooks(ACCOUNT + 1, 'leads[update]=elsewhere', 1, 5, false); // another account
    const s = await createSignals(database.db).of(inst, now);
    expect(s.lastHookAt?.toISOString()).toBe(ago(30));
    expect(s.hooksLast24h).toBe(HOOKS_THAT_MOVE_THE_GAP);
    expect(s.oldestPendingAt?.toISOString()).toBe(ago(30));
    // Reconciliation's finds are what the installation recorded, not its bodies.
    expect(s.lastReconciledChangeAt).toBeNull();
  });

  it("reads reconciliation's last find from the installation", async () => {
    const repo = createInstallationRepo(database.db);
    await repo.setReconciledUntil(inst.id, new Date(ago(10)));
    expect((await createSignals(database.db).of(inst, now)).lastReconciledChangeAt).toBeNull();
    await repo.setReconciledUntil(inst.id, new Date(ago(5)), true);
    await repo.setReconciledUntil(inst.id, new Date(ago(2)));
    expect((await createSignals(database.db).of(inst, now)).lastReconciledChangeAt?.toISOString()).toBe(
      ago(5),
    );
  });

  it("finds the ERP's first failure after its last success among journal rows of every system", async () => {
    const row = (minutes: number, system: string, status: number) => sql`
      insert into exchange_journal (at, account_id, direction, system, method, path, status, latency_ms, attempt)
      values (${ago(minutes)}::timestamptz, ${ACCOUNT}, 'out', ${system}, 'GET', '/x', ${status}, 1, 1)`;
    await database.db.execute(row(40, 'erp', 200));
    await database.db.execute(row(30, 'erp', 503));
    await database.db.execute(row(20, 'erp', 0));
    await database.db.execute(row(10, 'widget', 200)); // not the ERP
    const signals = createSignals(database.db);
    expect((await signals.of(inst, now)).erpFailingSince?.toISOString()).toBe(ago(30));
    expect((await signals.erpLastSuccess(ACCOUNT))?.toISOString()).toBe(ago(40));
    await database.db.execute(row(5, 'erp', 200));
    expect((await signals.of(inst, now)).erpFailingSince).toBeNull();
  });
});
