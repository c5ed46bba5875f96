import { randomBytes } from 'node:crypto';
import type { ErpLoopView } from '@erp-bridge/shared';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Installation } from '../amocrm/installations.js';
import type { WebhookEvent } from '../amocrm/webhooks/parse.js';
import { erpHookKeys, erpInvoiceStates, erpOrders, invoiceRequests } from '../db/schema.js';
import { type ErpLoopDeps, languageOf, loopSettings } from './deps.js';
import { hookTargets, MoySkladHookBody } from './hook-body.js';
import {
  adoptCreatedInvoices,
  applyStatus,
  byErpIds,
  dueForPoll,
  type InvoiceStateRow,
  openOf,
} from './invoice-states.js';
import { type OrderJob, runOrderJob } from './order-job.js';
import { orderActionFor, ownReserves } from './orders.js';
import { flushOutbox } from './outbox.js';

export const LOOP_CHECK_JOB = 'erp-loop.check';
export const LOOP_POLL_JOB = 'erp-loop.poll';
export const LOOP_ORDER_JOB = 'erp-loop.order';

export type { ErpLoopDeps } from './deps.js';

/** What a webhook asks the check job to look at (hook-body.ts). */
export interface CheckJob {
  accountId: number;
  invoiceIds?: string[];
  paymentIds?: string[];
  payment?: boolean;
}

/** Issue 15: invoice states follow the ERP, and the deal's stage drives an order with a reserve. */
export function createErpLoop(deps: ErpLoopDeps) {
  const { db } = deps;
  const pollBatch = deps.pollBatch ?? 100;
  const pollMinAgeMs = deps.pollMinAgeMs ?? 60_000;
  /** Accounts whose ERP webhooks this process registered (once per process; idempotent anyway). */
  const subscribed = new Set<number>();

  async function numbersOf(rows: InvoiceStateRow[]) {
    if (rows.length === 0) return new Map<string, string | null>();
    const found = await db
      .select({ id: invoiceRequests.id, number: invoiceRequests.number })
      .from(invoiceRequests)
      .where(
        inArray(
          invoiceRequests.id,
          rows.map((r) => r.requestId),
        ),
      );
    return new Map(found.map((r) => [r.id, r.number]));
  }

  /** Asks the ERP about these invoices (one batched read) and applies what changed. */
  async function check(inst: Installation, rows: InvoiceStateRow[]) {
    const erp = await deps.erp.forAccount(inst.accountId);
    if (!erp.invoiceStatus || rows.length === 0) {
      await flush(inst);
      return { changed: 0 };
    }
    const statuses = await erp.invoiceStatus(rows.map((r) => r.erpInvoiceId));
    const settings = await loopSettings(deps, inst.accountId);
    const numbers = await numbersOf(rows);
    let changed = 0;
    for (const row of rows) {
      const status = statuses.get(row.erpInvoiceId);
      if (!status) continue;
      const ctx = {
        settings,
        language: languageOf(inst),
        number: numbers.get(row.requestId) ?? null,
      } as const;
      if ((await applyStatus(db, row, status, ctx)) === 'changed') changed++;
    }
    // Always: a flush a crash interrupted (note sent, move not) is finished by the next check.
    await flush(inst);
    return { changed };
  }

  /**
   * One flush per account at a time in this process: two jobs (a duplicated webhook's checks, the
   * poll) flushing the same undone rows at once would each send their note.
   */
  const flushing = new Map<number, Promise<unknown>>();
  const flush = (inst: Installation) => {
    const run = (flushing.get(inst.accountId) ?? Promise.resolve())
      .catch(() => {})
      .then(() => flushOutbox(db, deps.access.clientFor(inst), inst.accountId));
    flushing.set(inst.accountId, run);
    void run
      .finally(() => {
        if (flushing.get(inst.accountId) === run) flushing.delete(inst.accountId);
      })
      .catch(() => {});
    return run;
  };

  async function hookKeyOf(accountId: number): Promise<string> {
    await db
      .insert(erpHookKeys)
      .values({ accountId, hookKey: randomBytes(24).toString('base64url') })
      .onConflictDoNothing();
    const [row] = await db.select().from(erpHookKeys).where(eq(erpHookKeys.accountId, accountId));
    if (!row) throw new Error('ERP hook key neither stored nor found');
    return row.hookKey;
  }

  return {
    /** The unguessable URL the ERP posts this account's changes to. */
    async hookUrl(accountId: number) {
      return new URL(`/webhooks/erp/${await hookKeyOf(accountId)}`, deps.publicUrl).toString();
    },

    /** Registers the ERP's webhooks for this account (where the ERP has them); idempotent. */
    async subscribe(inst: Installation) {
      const erp = await deps.erp.forAccount(inst.accountId);
      if (!erp.subscribe) return false;
      const url = await this.hookUrl(inst.accountId);
      await erp.subscribe({ url });
      await db
        .update(erpHookKeys)
        .set({ subscribedUrl: url })
        .where(eq(erpHookKeys.accountId, inst.accountId));
      return true;
    },

    /**
     * POST /webhooks/erp/:key. Validated, then only a job is queued (the ERP gets its 2xx at
     * once); the job re-reads the invoices, so duplicates and reordering cost one read, no write.
     * false = unknown key or invalid body (nothing happens).
     */
    async receiveHook(key: string, raw: unknown): Promise<'accepted' | 'unknown' | 'invalid'> {
      if (!/^[A-Za-z0-9_-]{20,64}$/.test(key)) return 'unknown';
      const [row] = await db.select().from(erpHookKeys).where(eq(erpHookKeys.hookKey, key));
      if (!row) return 'unknown';
      const body = MoySkladHookBody.safeParse(raw);
      if (!body.success) return 'invalid';
      const targets = hookTargets(body.data);
      if (targets.invoiceIds.length === 0 && !targets.payment) return 'accepted';
      await deps.queue.send(LOOP_CHECK_JOB, { accountId: row.accountId, ...targets });
      return 'accepted';
    },

    /**
     * The check job: the named invoices, and those the named payments pay (read from the ERP's
     * payment links). Only when a payment's links do not say (linked to an order, unreadable, a
     * job queued before payments were named) are the account's open invoices re-read, bounded.
     */
    async runCheck(job: CheckJob) {
      const inst = await deps.installations.findActive(job.accountId);
      if (!inst) return;
      await adoptCreatedInvoices(db, inst.accountId);
      const ids = new Set(job.invoiceIds ?? []);
      let rereadOpen = false;
      if (job.payment) {
        const erp = await deps.erp.forAccount(inst.accountId);
        if (erp.paymentInvoices && job.paymentIds?.length) {
          const links = await erp.paymentInvoices(job.paymentIds);
          for (const id of links.invoiceIds) ids.add(id);
          rereadOpen = links.unresolved > 0;
        } else rereadOpen = true;
      }
      const named = await byErpIds(db, inst.accountId, [...ids]);
      const rows = rereadOpen ? [...named, ...(await openOf(db, inst.accountId, 1000))] : named;
      const unique = [...new Map(rows.map((r) => [r.requestId, r])).values()];
      await check(inst, unique);
    },

    /** The periodic poll: a bounded share of each account's open invoices, least recently checked first. */
    async poll() {
      for (const inst of await deps.installations.listActive()) {
        try {
          if (!subscribed.has(inst.accountId)) {
            await this.subscribe(inst);
            subscribed.add(inst.accountId);
          }
          await adoptCreatedInvoices(db, inst.accountId);
          await check(inst, await dueForPoll(db, inst.accountId, pollBatch, pollMinAgeMs));
        } catch (err) {
          deps.log.warn({ err, accountId: inst.accountId }, 'ERP invoice poll failed');
        }
      }
    },

    /** Lead events (the guard's hook flow): stages mapped to reserve / release / keep become jobs. */
    async handleEvents(inst: Installation, events: readonly WebhookEvent[]) {
      const settings = await loopSettings(deps, inst.accountId);
      if (!settings.reserveStage && !settings.releaseOnLost && settings.releaseStages.length === 0) return;
      for (const e of events) {
        if (e.entity !== 'leads' || !['status', 'add'].includes(e.action)) continue;
        const { status_id, pipeline_id } = e.record as { status_id?: number; pipeline_id?: number };
        if (!status_id || !pipeline_id) continue;
        const action = orderActionFor({ pipelineId: pipeline_id, statusId: status_id }, settings);
        if (action)
          await deps.queue.send(LOOP_ORDER_JOB, { accountId: inst.accountId, leadId: e.record.id, action });
      }
    },

    runOrder: (job: OrderJob) => runOrderJob(deps, flush, job),

    ownReserves: (accountId: number, leadIds: readonly number[]) => ownReserves(db, accountId, leadIds),

    /** GET /api/v1/leads/:id/erp-loop: what the card shows. */
    async view(inst: Installation, leadId: number): Promise<ErpLoopView> {
      await adoptCreatedInvoices(db, inst.accountId);
      const erp = await deps.erp.forAccount(inst.accountId);
      const [order] = await db
        .select()
        .from(erpOrders)
        .where(and(eq(erpOrders.accountId, inst.accountId), eq(erpOrders.leadId, leadId)));
      const invoices = await db
        .select({ s: erpInvoiceStates, number: invoiceRequests.number })
        .from(erpInvoiceStates)
        .leftJoin(invoiceRequests, eq(invoiceRequests.id, erpInvoiceStates.requestId))
        .where(and(eq(erpInvoiceStates.accountId, inst.accountId), eq(erpInvoiceStates.leadId, leadId)))
        .orderBy(desc(erpInvoiceStates.updatedAt))
        .limit(20);
      return {
        order: order
          ? {
              status: order.status,
              number: order.number,
              link: order.link,
              reserved: JSON.parse(order.reserved) as Record<string, number>,
            }
          : null,
        invoices: invoices.map(({ s, number }) => ({
          requestId: s.requestId,
          number,
          state: s.state,
          sum: { amount: s.sum, currency: s.currency },
          paidSum: { amount: s.paidSum, currency: s.currency },
          link: s.link,
          checkedAt: s.checkedAt.toISOString(),
        })),
        capabilities: { invoiceStatus: Boolean(erp.invoiceStatus), orders: Boolean(erp.createOrder) },
      };
    },
  };
}

export type ErpLoop = ReturnType<typeof createErpLoop>;
