import { sql } from 'drizzle-orm';
import type { Installation } from '../amocrm/installations.js';
import type { Db } from '../db/open.js';
import { rowsOf } from '../db/rows-of.js';
import { type AccountSignals, HOOKS_THAT_MOVE_THE_GAP } from './rules.js';

const date = (v: unknown) => (v ? new Date(v as string) : null);

/**
 * What the rules need, read from the shared database (so every instance judges the same facts):
 * the installation, the request journal (ERP outcomes) and the webhook inbox (hooks, the changes
 * reconciliation found, the backlog). Reconciliation stores its finds with a body starting
 * "reconcile " (jobs/platform-jobs.ts), which is how they are told from real hooks, and records
 * on the installation when it last found one.
 */
export function createSignals(db: Db) {
  return {
    async of(inst: Installation, now: Date): Promise<AccountSignals> {
      const day = new Date(now.getTime() - 86_400_000).toISOString();
      const [erp] = rowsOf<{ last_ok: string | null; failing_since: string | null }>(
        await db.execute(sql`
          with ok as (
            select max(at) as at from exchange_journal
            where account_id = ${inst.accountId} and system = 'erp' and status between 1 and 499
          )
          select (select at from ok) as last_ok,
            (select min(at) from exchange_journal j
              where j.account_id = ${inst.accountId} and j.system = 'erp'
                and (j.status = 0 or j.status >= 500)
                and j.at > coalesce((select at from ok), '-infinity'::timestamptz)) as failing_since`),
      );
      // Each a probe of an index (migration 0011): the newest real hook (reconciliation's rows are
      // few, so the walk back past them is short), the real hooks of the last day up to the count
      // that still moves the usual gap, the oldest event still pending, and the installation's own
      // record of reconciliation's last find.
      const [hooks] = rowsOf<{
        last_hook: string | null;
        hooks_24h: number;
        last_reconciled: string | null;
        oldest_pending: string | null;
      }>(
        await db.execute(sql`
          select
            (select i.received_at from webhook_inbox i join webhook_bodies b on b.id = i.raw_body_id
              where i.account_id = ${inst.accountId} and left(b.body, 10) <> 'reconcile '
              order by i.received_at desc limit 1) as last_hook,
            (select count(*)::int from (
              select 1 from webhook_inbox i join webhook_bodies b on b.id = i.raw_body_id
              where i.account_id = ${inst.accountId} and i.received_at > ${day}::timestamptz
                and left(b.body, 10) <> 'reconcile '
              limit ${HOOKS_THAT_MOVE_THE_GAP}) day) as hooks_24h,
            (select reconcile_found_at from installations where id = ${inst.id}) as last_reconciled,
            (select min(received_at) from webhook_inbox
              where processed_at is null and account_id = ${inst.accountId}) as oldest_pending`),
      );
      return {
        blockedUntil: inst.circuitOpenUntil ?? null,
        authError: Boolean(inst.authError),
        erpFailingSince: date(erp?.failing_since),
        lastHookAt: date(hooks?.last_hook),
        hooksLast24h: Number(hooks?.hooks_24h ?? 0),
        lastReconciledChangeAt: date(hooks?.last_reconciled),
        oldestPendingAt: date(hooks?.oldest_pending),
      };
    },

    /** The ERP's last good answer (health view). */
    async erpLastSuccess(accountId: number): Promise<Date | null> {
      const [r] = rowsOf<{ at: string | null }>(
        await db.execute(sql`select max(at) as at from exchange_journal
          where account_id = ${accountId} and system = 'erp' and status between 1 and 499`),
      );
      return date(r?.at);
    },
  };
}

export type Signals = ReturnType<typeof createSignals>;
