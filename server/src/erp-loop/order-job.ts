import type { Installation } from '../amocrm/installations.js';
import type { Db } from '../db/open.js';
import { ErpError } from '../erp/connector.js';
import { type ErpLoopDeps, languageOf } from './deps.js';
import { orderNote } from './messages.js';
import { type OrderAction, orderIntent, setOrder } from './orders.js';
import { recordWrites } from './outbox.js';

export interface OrderJob {
  accountId: number;
  leadId: number;
  action: OrderAction;
}

/**
 * The order job. Reserve: the intent row (with its key) is stored first; the ERP call is
 * idempotent by that key, so a crash or a lost answer after the ERP created the order re-runs
 * into the same order. Exactly one order per deal.
 */
export async function runOrderJob(
  deps: ErpLoopDeps,
  flush: (inst: Installation) => Promise<unknown>,
  job: OrderJob,
): Promise<void> {
  // Two runs of one deal's job can overlap across instances: a worker starting re-sends the jobs
  // it finds taken (jobs.ts), and one of them may still be running on a live worker. Both would
  // pass the ERP lookup by key before either created the order. One deal, one run at a time.
  const unlock = deps.lockDeal ? await deps.lockDeal(job.accountId, job.leadId) : async () => {};
  if (!unlock) throw new OrderBusy(job); // the queue retries; the live run has finished by then
  try {
    await runOrderJobAlone(deps, flush, job);
  } finally {
    await unlock();
  }
}

/** Another run holds this deal's order lock. */
export class OrderBusy extends Error {
  constructor(job: OrderJob) {
    super(`order job of deal ${job.leadId} (account ${job.accountId}) is running elsewhere; retried`);
  }
}

async function runOrderJobAlone(
  deps: ErpLoopDeps,
  flush: (inst: Installation) => Promise<unknown>,
  job: OrderJob,
): Promise<void> {
  const { db } = deps;
  const inst = await deps.installations.findActive(job.accountId);
  if (!inst) return;
  const erp = await deps.erp.forAccount(inst.accountId);
  if (!erp.createOrder || !erp.releaseOrder) return;
  const row = await orderIntent(db, inst.accountId, job.leadId);
  const lang = languageOf(inst);
  if (job.action === 'keep') {
    if (row.status === 'reserved') await setOrder(db, row, { status: 'kept' });
    return;
  }
  if (job.action === 'release') {
    if (!row.erpOrderId || row.status === 'released' || row.status === 'pending') return;
    await setOrder(db, row, { status: 'releasing' });
    const released = await erp.releaseOrder(row.erpOrderId);
    await db.transaction(async (tx) => {
      await setOrder(tx as unknown as Db, row, { status: 'released', reserved: '{}' });
      await recordOrderNote(tx, inst, job.leadId, lang, 'released', {
        number: released.number,
        reserved: {},
        released: true,
        link: released.link,
      });
    });
    await flush(inst);
    return;
  }
  if (row.status !== 'pending' && row.status !== 'failed') return; // the deal has its order
  const deal = (await deps.leadReaderFor(inst).readMany([job.leadId])).get(job.leadId);
  if (!deal) return;
  const positions = deal.lines
    .filter((l) => l.sku && l.kind !== 'service' && l.quantity > 0)
    .map((l) => ({ sku: l.sku as string, quantity: l.quantity }));
  if (positions.length === 0) return;
  const customerId = await deps.customers.customerForLead(inst, deal.lead);
  if (!customerId) {
    await setOrder(db, row, { status: 'failed', error: 'customer_not_found' });
    return;
  }
  let order: Awaited<ReturnType<NonNullable<typeof erp.createOrder>>>;
  try {
    order = await erp.createOrder({
      idempotencyKey: row.idempotencyKey,
      customerId,
      positions,
      comment: `amoCRM #${job.leadId}`,
    });
  } catch (err) {
    if (err instanceof ErpError && !err.retryable) {
      await setOrder(db, row, { status: 'failed', error: err.code });
      return;
    }
    throw err; // retried by the queue with the same key
  }
  await db.transaction(async (tx) => {
    await setOrder(tx as unknown as Db, row, {
      status: 'reserved',
      erpOrderId: order.id,
      number: order.number,
      link: order.link,
      reserved: JSON.stringify(order.reserved),
      error: null,
    });
    await recordOrderNote(tx, inst, job.leadId, lang, 'reserved', {
      number: order.number,
      reserved: order.reserved,
      released: false,
      link: order.link,
    });
  });
  await flush(inst);
}

/**
 * The deal's one note for this order state, recorded in the same transaction as the state: the
 * dedupe key (account, deal, state) keeps it to one note whatever re-runs after a crash.
 */
function recordOrderNote(
  tx: Parameters<typeof recordWrites>[0],
  inst: Installation,
  leadId: number,
  lang: ReturnType<typeof languageOf>,
  state: 'reserved' | 'released',
  order: Parameters<typeof orderNote>[1],
) {
  const key = `ord:${inst.accountId}:${leadId}:${state}`;
  return recordWrites(tx, {
    accountId: inst.accountId,
    leadId,
    dedupeKey: key,
    writes: { note: orderNote(lang, order, key) },
  });
}
