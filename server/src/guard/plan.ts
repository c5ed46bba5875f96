import { createHash } from 'node:crypto';
import {
  type GuardActionDone,
  type GuardDecision,
  type GuardRecord,
  type GuardRules,
  isClosedStage,
  type Stage,
} from '@erp-bridge/shared';
import type { Lead, LeadPatch, NoteInput, TaskInput } from '../amocrm/api-schemas.js';
import { blockedNote, type NoteLanguage, taskText, unblockedNote } from './messages.js';

export interface EnforceItem {
  leadId: number;
  cause: GuardRecord['cause'];
  causeEvent: string | null;
  /** The stage before the change that caused this check (from the webhook), if known. */
  previousStage: Stage | null;
  /**
   * Who made the change and its version (amoCRM's modification time, unix seconds), from the
   * hook: a change by the integration's own user that our last settled write covers is our echo.
   */
  change?: { userId: number | null; version: number | null };
}

/** What the guard remembers of a deal (a row of guard_leads, as the plan needs it). */
export interface PlanState {
  lastVerdict: string | null;
  reasonsHash: string | null;
  lastGoodPipelineId: number | null;
  lastGoodStatusId: number | null;
}

export interface PlanContext {
  rules: GuardRules;
  language: NoteLanguage;
  /** Carried in the note and task texts, so a re-run after a crash can find what was written. */
  decisionId: string;
  /** The stage's name in amoCRM, for what the card shows (null when unknown). */
  stageName?: (stage: Stage) => string | null;
  now: Date;
}

export interface Plan {
  item: EnforceItem;
  lead: Lead;
  decision: GuardDecision;
  decisionId: string;
  patch: LeadPatch | null;
  notes: NoteInput[];
  task: TaskInput | null;
  actions: GuardActionDone[];
  next: { verdict: string; reasonsHash: string | null; lastGoodStage: Stage | null };
}

const BLOCKING = new Set(['blocked', 'not_gated']);

/** The trace of a decision in a note or task text; unique enough to search for among a deal's notes. */
export const decisionMarker = (decisionId: string) => `[erp-bridge ${decisionId}]`;

export function lastGood(state: PlanState): Stage | null {
  return state.lastGoodPipelineId && state.lastGoodStatusId
    ? { pipelineId: state.lastGoodPipelineId, statusId: state.lastGoodStatusId }
    : null;
}

/**
 * What the guard writes for one decision, as data: the PATCH (stage, tag, "stock checked" field)
 * only where the deal differs from the decision, and a note and task only on a transition into
 * blocked (or a new set of reasons), so a replayed or self-caused hook writes nothing.
 */
export function planGuard(
  ctx: PlanContext,
  item: EnforceItem,
  lead: Lead,
  state: PlanState,
  decision: GuardDecision,
): Plan {
  const { rules } = ctx;
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
      toName: ctx.stageName?.(decision.moveTo) ?? null,
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

  const marker = decisionMarker(ctx.decisionId);
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
      params: { text: `${blockedNote(decision.reasons, decision.moveTo, ctx.language)}\n${marker}` },
    });
    actions.push({ type: 'note_blocked' });
    if (rules.createTask) {
      const responsible = rules.taskResponsibleUserId ?? lead.responsible_user_id ?? undefined;
      task = {
        text: `${taskText(decision.reasons, ctx.language)} ${marker}`,
        complete_till: Math.floor(ctx.now.getTime() / 1000) + 86_400,
        entity_id: lead.id,
        entity_type: 'leads',
        ...(responsible && { responsible_user_id: responsible }),
      };
      actions.push({ type: 'task_created' });
    }
  } else if (decision.verdict === 'ok' && wasBlocking) {
    notes.push({
      entity_id: lead.id,
      note_type: 'common',
      params: { text: `${unblockedNote(ctx.language)}\n${marker}` },
    });
    actions.push({ type: 'note_unblocked' });
  }

  const isOk = decision.verdict === 'ok' || decision.verdict === 'warn' || decision.verdict === 'empty';
  return {
    item,
    lead,
    decision,
    decisionId: ctx.decisionId,
    patch: Object.keys(patch).length ? patch : null,
    notes,
    task,
    actions,
    next: {
      verdict: decision.verdict,
      reasonsHash,
      lastGoodStage: isOk && !isClosedStage(stage) ? stage : lastGood(state),
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
