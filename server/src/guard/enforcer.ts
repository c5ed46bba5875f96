import { randomBytes, randomUUID } from 'node:crypto';
import { decideGuard, type GuardRecord, type GuardRules, type Stage } from '@erp-bridge/shared';
import type { AmoClient } from '../amocrm/client.js';
import type { LeadReader } from '../amocrm/lead-products.js';
import { ErpError } from '../erp/connector.js';
import type { ResilientErp } from '../erp/resilient.js';
import type { Logger } from '../log.js';
import { availabilityOf, skusOf } from '../stock/lead-stock.js';
import type { NoteLanguage } from './messages.js';
import { type EnforceItem, lastGood, type Plan, planGuard } from './plan.js';
import type { GuardLeadState, GuardStore } from './store.js';
import { findTraces, missingWrites, type PendingDecision, pendingOf } from './traces.js';

export type { EnforceItem } from './plan.js';

export interface EnforcerDeps {
  accountId: number;
  amo: Pick<AmoClient, 'patchLeads' | 'addLeadNotes' | 'addTasks' | 'request'>;
  leads: Pick<LeadReader, 'readMany'>;
  erp: Pick<ResilientErp, 'getStock'>;
  rules: GuardRules;
  store: GuardStore;
  log: Logger;
  language: NoteLanguage;
  /** The user the integration's token acts as (GET /account current_user_id), if known. */
  ownUserId?: number | null;
  /** The stage's name in amoCRM, for what the card shows (null when unknown). */
  stageName?: (stage: Stage) => string | null;
  now?: () => Date;
  /** Per deal, what its own customer order reserved (issue 15): not counted against it. */
  ownReserves?: (leadIds: readonly number[]) => Promise<Map<number, Record<string, number>>>;
}

export interface EnforceOutcome {
  records: Map<number, GuardRecord>;
  /** Deals another worker was enforcing at the moment: try them again shortly. */
  busy: number[];
  /** Deals whose only events were our own writes coming back: decided without reading them. */
  echoes: number[];
  /** Interrupted decisions finished (their missing notes and tasks written). */
  recovered: number;
}

const newDecisionId = () => randomBytes(6).toString('hex');

/**
 * Enforces the stock rule on many deals at once: one read of the deals, one stock request for all
 * their SKUs, then only the writes that change something, in bulk (50 per request). Exactly once
 * across crashes: the decisions are written ahead (store.begin) before any amoCRM write, and a
 * deal still holding one when it is next leased is finished from amoCRM's own record first.
 */
export async function enforceGuard(
  deps: EnforcerDeps,
  items: readonly EnforceItem[],
): Promise<EnforceOutcome> {
  const byLead = new Map<number, EnforceItem[]>();
  for (const item of items) byLead.set(item.leadId, [...(byLead.get(item.leadId) ?? []), item]);

  const owner = randomUUID();
  const leased = await deps.store.lease(deps.accountId, [...byLead.keys()], owner);
  const busy = [...byLead.keys()].filter((id) => !leased.has(id));
  const records = new Map<number, GuardRecord>();
  const echoes: number[] = [];
  const settled = new Set<number>();
  if (leased.size === 0) return { records, busy, echoes, recovered: 0 };
  const now = () => deps.now?.() ?? new Date();
  // A heartbeat keeps the leases ours while amoCRM is slow; each write first checks they still are.
  const heartbeat = setInterval(
    () => void deps.store.renew(deps.accountId, [...leased.keys()], owner).catch(() => {}),
    Math.max(250, Math.floor(deps.store.leaseMs / 3)),
  );
  const stillHeld = async <T extends { lead: { id: number } }>(plans: T[]) => {
    const mine = await deps.store.renew(
      deps.accountId,
      plans.map((p) => p.lead.id),
      owner,
    );
    const lost = plans.filter((p) => !mine.has(p.lead.id));
    if (lost.length)
      deps.log.warn(
        { accountId: deps.accountId, leads: lost.map((p) => p.lead.id) },
        'guard lease lost to another worker; not writing these deals',
      );
    return plans.filter((p) => mine.has(p.lead.id));
  };

  try {
    const recovered = await finishInterrupted(deps, leased, owner);

    const toRead: number[] = [];
    for (const [leadId, state] of leased) {
      if (isOwnEcho(deps.ownUserId, state, byLead.get(leadId) ?? [])) echoes.push(leadId);
      else toRead.push(leadId);
    }
    if (toRead.length === 0) return { records, busy, echoes, recovered };

    const deals = await deps.leads.readMany(toRead);
    const allSkus = [...new Set([...deals.values()].flatMap((d) => skusOf(d.lines)))];
    const stock = await deps.erp.getStock(allSkus);
    // Enforcing on yesterday's figures could block a deal that is fine: wait for the ERP instead.
    if (stock.stale) throw new ErpError('unavailable', 'the ERP is down; stock figures are stale');

    const own = (await deps.ownReserves?.(toRead)) ?? new Map<number, Record<string, number>>();
    const plans: Plan[] = [];
    for (const leadId of toRead) {
      const deal = deals.get(leadId);
      const state = leased.get(leadId);
      const item = merged(byLead.get(leadId) ?? []);
      if (!deal || !state || !item) continue; // deleted deal: nothing to guard
      const stage = { pipelineId: deal.lead.pipeline_id, statusId: deal.lead.status_id };
      const availability = availabilityOf(
        deal.lines,
        stock.value,
        deps.rules.warehouseIds ?? undefined,
        own.get(leadId),
      );
      const decision = decideGuard({
        stage,
        previousStage: item.previousStage,
        lastGoodStage: lastGood(state),
        availability,
        rules: deps.rules,
      });
      const ctx = {
        rules: deps.rules,
        language: deps.language,
        decisionId: newDecisionId(),
        stageName: deps.stageName,
        now: now(),
      };
      plans.push(planGuard(ctx, item, deal.lead, state, decision));
    }

    const writing = plans.filter((p) => p.notes.length > 0 || p.task);
    await deps.store.begin(
      deps.accountId,
      writing.map((p) => ({ leadId: p.lead.id, pending: JSON.stringify(pendingOf(p, now())) })),
      owner,
    );
    let mine = await stillHeld(plans);
    const patches = mine.filter((p) => p.patch).map((p) => ({ id: p.lead.id, ...p.patch }));
    if (patches.length) await deps.amo.patchLeads(patches);
    mine = await stillHeld(mine);
    const notes = mine.flatMap((p) => p.notes);
    if (notes.length) await deps.amo.addLeadNotes(notes);
    mine = await stillHeld(mine);
    const tasks = mine.flatMap((p) => (p.task ? [p.task] : []));
    if (tasks.length) await deps.amo.addTasks(tasks);

    const stored = await deps.store.settleAndRecord(
      deps.accountId,
      owner,
      deps.rules,
      mine.map((p) => ({
        leadId: p.lead.id,
        next: p.next,
        cause: p.item.cause,
        causeEvent: p.item.causeEvent,
        decision: p.decision,
        actions: p.actions,
        stage: { pipelineId: p.lead.pipeline_id, statusId: p.lead.status_id },
      })),
    );
    for (const [leadId, record] of stored) {
      settled.add(leadId);
      records.set(leadId, record);
    }
    if (notes.length || patches.length)
      deps.log.info(
        {
          accountId: deps.accountId,
          deals: mine.length,
          patched: patches.length,
          notes: notes.length,
          tasks: tasks.length,
        },
        'guard enforced',
      );
    return { records, busy, echoes, recovered };
  } finally {
    clearInterval(heartbeat);
    // Leases of deals not settled (echoes, errors, deleted deals) are freed so a retry can take them.
    await deps.store.release(
      deps.accountId,
      [...leased.keys()].filter((id) => !settled.has(id)),
      owner,
    );
  }
}

/** Several events about one deal in one batch: any stage it came from is what "move back" needs. */
function merged(items: readonly EnforceItem[]): EnforceItem | undefined {
  const first = items[0];
  if (!first) return undefined;
  return { ...first, previousStage: items.find((i) => i.previousStage)?.previousStage ?? null };
}

/**
 * A change by the integration's own user at or before our last settled write of that deal is
 * that write coming back: nothing to decide. A human using the integration's account, or a
 * change after our write, or amoCRM's modified_user_id 0, is read and decided as usual (and our
 * notes still mark transitions only, the real guard against echoes).
 */
function isOwnEcho(
  ownUserId: number | null | undefined,
  state: GuardLeadState,
  items: readonly EnforceItem[],
) {
  if (!ownUserId || state.pendingDecision || state.lastVerdict === null || items.length === 0) return false;
  const settledAt = Math.floor(state.updatedAt.getTime() / 1000) + 1;
  return items.every(
    (i) =>
      (i.cause === 'webhook' || i.cause === 'reconcile') &&
      i.change?.userId === ownUserId &&
      i.change.version !== null &&
      i.change.version <= settledAt,
  );
}

/**
 * Decisions written ahead and never settled (the process died mid-write): the notes and tasks
 * amoCRM already holds for them are found by their decision id, only the missing ones are
 * written, and the outcome is stored. Moves and tags need no search: the fresh decision that
 * follows re-reads the deal and writes them only where it still differs.
 */
async function finishInterrupted(
  deps: EnforcerDeps,
  leased: Map<number, GuardLeadState>,
  owner: string,
): Promise<number> {
  const pending: { leadId: number; decision: PendingDecision }[] = [];
  for (const [leadId, state] of leased)
    if (state.pendingDecision) pending.push({ leadId, decision: JSON.parse(state.pendingDecision) });
  if (pending.length === 0) return 0;
  const since = Math.min(...pending.map((p) => p.decision.at)) - 60;
  const traces = await findTraces(
    deps.amo,
    pending.map((p) => p.leadId),
    since,
  );
  const missing = missingWrites(pending, traces);
  if (missing.notes.length) await deps.amo.addLeadNotes(missing.notes);
  if (missing.tasks.length) await deps.amo.addTasks(missing.tasks);
  for (const { leadId, decision } of pending) {
    await deps.store.settle(deps.accountId, leadId, decision.next, owner, { keepLease: true });
    await deps.store.record({ accountId: deps.accountId, leadId, ...decision.record, rules: deps.rules });
    // The fresh decision below starts from the finished one, and keeps the lease it holds.
    const state = leased.get(leadId);
    if (state)
      leased.set(leadId, {
        ...state,
        pendingDecision: null,
        lastVerdict: decision.next.verdict,
        reasonsHash: decision.next.reasonsHash,
        lastGoodPipelineId: decision.next.lastGoodStage?.pipelineId ?? null,
        lastGoodStatusId: decision.next.lastGoodStage?.statusId ?? null,
        updatedAt: new Date(),
      });
  }
  deps.log.info(
    {
      accountId: deps.accountId,
      decisions: pending.length,
      notes: missing.notes.length,
      tasks: missing.tasks.length,
    },
    'interrupted guard decisions finished',
  );
  return pending.length;
}
