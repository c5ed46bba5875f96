import { createHash } from 'node:crypto';
import {
  decideGuard,
  type GuardActionDone,
  type GuardDecision,
  type GuardRecord,
  type GuardRules,
  type Stage,
} from '@erp-bridge/shared';
import type { Lead, LeadPatch, NoteInput, TaskInput } from '../amocrm/api-schemas.js';
import type { AmoClient } from '../amocrm/client.js';
import type { LeadReader } from '../amocrm/lead-products.js';
import { ErpError } from '../erp/connector.js';
import type { ResilientErp } from '../erp/resilient.js';
import type { Logger } from '../log.js';
import { availabilityOf, skusOf } from '../stock/lead-stock.js';
import { blockedNote, type NoteLanguage, taskText, unblockedNote } from './messages.js';
import type { GuardLeadState, GuardStore } from './store.js';

export interface EnforceItem {
  leadId: number;
  cause: GuardRecord['cause'];
  causeEvent: string | null;
  /** The stage before the change that caused this check (from the webhook), if known. */
  previousStage: Stage | null;
}

export interface EnforcerDeps {
  accountId: number;
  amo: Pick<AmoClient, 'patchLeads' | 'addLeadNotes' | 'addTasks'>;
  leads: Pick<LeadReader, 'readMany'>;
  erp: Pick<ResilientErp, 'getStock'>;
  rules: GuardRules;
  store: GuardStore;
  log: Logger;
  language: NoteLanguage;
  /** The stage's name in amoCRM, for what the card shows (null when unknown). */
  stageName?: (stage: Stage) => string | null;
  now?: () => Date;
}

export interface EnforceOutcome {
  records: Map<number, GuardRecord>;
  /** Deals another worker was enforcing at the moment: try them again shortly. */
  busy: number[];
}

interface Plan {
  item: EnforceItem;
  lead: Lead;
  state: GuardLeadState;
  decision: GuardDecision;
  patch: LeadPatch | null;
  notes: NoteInput[];
  task: TaskInput | null;
  actions: GuardActionDone[];
  next: { verdict: string; reasonsHash: string | null; lastGoodStage: Stage | null };
}

const BLOCKING = new Set(['blocked', 'not_gated']);

/**
 * Enforces the stock rule on many deals at once: one read of the deals, one stock request for all
 * their SKUs, then only the writes that change something (so replayed hooks and the hooks our own
 * writes cause are no-ops), in bulk: one PATCH for up to 50 deals, notes and tasks likewise.
 */
export async function enforceGuard(
  deps: EnforcerDeps,
  items: readonly EnforceItem[],
): Promise<EnforceOutcome> {
  const byLead = new Map<number, EnforceItem>();
  for (const item of items)
    byLead.set(item.leadId, {
      ...item,
      previousStage: item.previousStage ?? byLead.get(item.leadId)?.previousStage ?? null,
    });

  const leased = await deps.store.lease(deps.accountId, [...byLead.keys()]);
  const busy = [...byLead.keys()].filter((id) => !leased.has(id));
  const records = new Map<number, GuardRecord>();
  if (leased.size === 0) return { records, busy };

  try {
    const deals = await deps.leads.readMany([...leased.keys()]);
    const allSkus = [...new Set([...deals.values()].flatMap((d) => skusOf(d.lines)))];
    const stock = await deps.erp.getStock(allSkus);
    // Enforcing on yesterday's figures could block a deal that is fine: wait for the ERP instead.
    if (stock.stale) throw new ErpError('unavailable', 'the ERP is down; stock figures are stale');

    const plans: Plan[] = [];
    for (const [leadId, state] of leased) {
      const deal = deals.get(leadId);
      const item = byLead.get(leadId);
      if (!deal || !item) continue; // deleted deal: nothing to guard
      const stage = { pipelineId: deal.lead.pipeline_id, statusId: deal.lead.status_id };
      const availability = availabilityOf(deal.lines, stock.value, deps.rules.warehouseIds ?? undefined);
      const decision = decideGuard({
        stage,
        previousStage: item.previousStage,
        lastGoodStage: lastGood(state),
        availability,
        rules: deps.rules,
      });
      plans.push(plan(deps, item, deal.lead, state, decision));
    }

    const patches = plans.filter((p) => p.patch).map((p) => ({ id: p.lead.id, ...p.patch }));
    if (patches.length) await deps.amo.patchLeads(patches);
    const notes = plans.flatMap((p) => p.notes);
    if (notes.length) await deps.amo.addLeadNotes(notes);
    const tasks = plans.flatMap((p) => (p.task ? [p.task] : []));
    if (tasks.length) await deps.amo.addTasks(tasks);

    for (const p of plans) {
      await deps.store.settle(deps.accountId, p.lead.id, p.next);
      const stage = { pipelineId: p.lead.pipeline_id, statusId: p.lead.status_id };
      records.set(
        p.lead.id,
        await deps.store.record({
          accountId: deps.accountId,
          leadId: p.lead.id,
          cause: p.item.cause,
          causeEvent: p.item.causeEvent,
          decision: p.decision,
          actions: p.actions,
          stage,
          rules: deps.rules,
        }),
      );
    }
    if (notes.length || patches.length)
      deps.log.info(
        {
          accountId: deps.accountId,
          deals: plans.length,
          patched: patches.length,
          notes: notes.length,
          tasks: tasks.length,
        },
        'guard enforced',
      );
    return { records, busy };
  } finally {
    // Leases of deals not settled (errors, deleted deals) are freed so a retry can take them.
    await deps.store.release(
      deps.accountId,
      [...leased.keys()].filter((id) => !records.has(id)),
    );
  }
}

function lastGood(state: GuardLeadState): Stage | null {
  return state.lastGoodPipelineId && state.lastGoodStatusId
    ? { pipelineId: state.lastGoodPipelineId, statusId: state.lastGoodStatusId }
    : null;
}

function plan(
  deps: EnforcerDeps,
  item: EnforceItem,
  lead: Lead,
  state: GuardLeadState,
  decision: GuardDecision,
): Plan {
  const rules = deps.rules;
  const actions: GuardActionDone[] = [];
  const patch: LeadPatch = {};
  const stage = { pipelineId: lead.pipeline_id, statusId: lead.status_id };

  if (decision.moveTo) {
    patch.status_id = decision.moveTo.statusId;
    patch.pipeline_id = decision.moveTo.pipelineId;
    actions.push({
      type: 'moved',
      from: stage,
      to: decision.moveTo,
      toName: deps.stageName?.(decision.moveTo) ?? null,
    });
  }
  const hasTag = (lead._embedded?.tags ?? []).some((t) => t.name === rules.tag);
  if (decision.tag === 'add' && !hasTag) {
    patch.tags_to_add = [{ name: rules.tag }];
    actions.push({ type: 'tag_added', tag: rules.tag });
  } else if (decision.tag === 'remove' && hasTag) {
    patch.tags_to_delete = [{ name: rules.tag }];
    actions.push({ type: 'tag_removed', tag: rules.tag });
  }
  if (rules.stockCheckedFieldId) {
    const field = lead.custom_fields_values?.find((f) => f.field_id === rules.stockCheckedFieldId);
    const current = Boolean(field?.values?.[0]?.value);
    if (current !== decision.stockChecked) {
      patch.custom_fields_values = [
        { field_id: rules.stockCheckedFieldId, values: decision.stockChecked ? [{ value: true }] : null },
      ];
      actions.push({ type: decision.stockChecked ? 'stock_checked_set' : 'stock_checked_cleared' });
    }
  }

  // Notes and tasks mark transitions, never states: a replayed or self-caused hook changes nothing.
  const reasonsHash = BLOCKING.has(decision.verdict) ? hashReasons(decision) : null;
  const notes: NoteInput[] = [];
  let task: TaskInput | null = null;
  const wasBlocking = state.lastVerdict !== null && BLOCKING.has(state.lastVerdict);
  if (
    decision.verdict === 'blocked' &&
    (state.lastVerdict !== 'blocked' || state.reasonsHash !== reasonsHash)
  ) {
    notes.push({
      entity_id: lead.id,
      note_type: 'common',
      params: { text: blockedNote(decision.reasons, decision.moveTo, deps.language) },
    });
    actions.push({ type: 'note_blocked' });
    if (rules.createTask) {
      const responsible = rules.taskResponsibleUserId ?? lead.responsible_user_id ?? undefined;
      task = {
        text: taskText(decision.reasons, deps.language),
        complete_till: Math.floor((deps.now?.() ?? new Date()).getTime() / 1000) + 86_400,
        entity_id: lead.id,
        entity_type: 'leads',
        ...(responsible && { responsible_user_id: responsible }),
      };
      actions.push({ type: 'task_created' });
    }
  } else if (decision.verdict === 'ok' && wasBlocking) {
    notes.push({ entity_id: lead.id, note_type: 'common', params: { text: unblockedNote(deps.language) } });
    actions.push({ type: 'note_unblocked' });
  }

  const isOk = decision.verdict === 'ok' || decision.verdict === 'warn' || decision.verdict === 'empty';
  return {
    item,
    lead,
    state,
    decision,
    patch: Object.keys(patch).length ? patch : null,
    notes,
    task,
    actions,
    next: {
      verdict: decision.verdict,
      reasonsHash,
      lastGoodStage: isOk && stage.statusId !== 142 && stage.statusId !== 143 ? stage : lastGood(state),
    },
  };
}

function hashReasons(decision: GuardDecision): string {
  const key = decision.reasons
    .map((r) => `${r.sku}:${r.requested}:${r.status}`)
    .sort()
    .join('|');
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}
