import { z } from 'zod';
import type { ReportStatus, StockLine } from './stock.js';
import { StockLine as StockLineSchema } from './stock.js';

export const Stage = z.object({
  pipelineId: z.number().int().positive(),
  statusId: z.number().int().positive(),
});
export type Stage = z.infer<typeof Stage>;

export const GuardAction = z.discriminatedUnion('type', [
  /** Back to the stage the deal came from (old_status_id, or our record of its last good stage). */
  z.object({ type: z.literal('move_back') }),
  /** To a configured stage such as "Нет в наличии". */
  z.object({ type: z.literal('move_to'), stage: Stage }),
  /** Leave the deal where it is: tag, note, task only. */
  z.object({ type: z.literal('flag_only') }),
]);
export type GuardAction = z.infer<typeof GuardAction>;

/** The stock guard's rules for one account (settings API, admins only). */
export const GuardRules = z.object({
  enabled: z.boolean().default(false),
  /** Stages a deal may enter only while its stock is OK. Empty = every stage except won/lost. */
  gatedStages: z.array(Stage).max(200).default([]),
  /** Only these warehouses count; null = all. */
  warehouseIds: z.array(z.string().min(1)).max(100).nullable().default(null),
  /** What unknown stock means: block like short, or only warn. */
  unknownStock: z.enum(['block', 'warn']).default('warn'),
  action: GuardAction.default({ type: 'move_back' }),
  tag: z.string().trim().min(1).max(60).default('Нет в наличии'),
  createTask: z.boolean().default(true),
  /** Task owner: the deal's responsible user, or a fixed user. */
  taskResponsibleUserId: z.number().int().positive().nullable().default(null),
  /** The API-only "stock checked" field made required for gated stages (set up by the guard). */
  stockCheckedFieldId: z.number().int().positive().nullable().default(null),
});
export type GuardRules = z.infer<typeof GuardRules>;

export const GuardVerdict = z.enum(['ok', 'blocked', 'warn', 'not_gated', 'empty']);
export type GuardVerdict = z.infer<typeof GuardVerdict>;

export const GuardReason = StockLineSchema.pick({
  sku: true,
  name: true,
  requested: true,
  freeTotal: true,
  status: true,
  warehouses: true,
});
export type GuardReason = z.infer<typeof GuardReason>;

export const GuardDecision = z.object({
  verdict: GuardVerdict,
  /** Lines that are short (or unknown, when unknown blocks). */
  reasons: z.array(GuardReason),
  /** Where the deal must go; null = stays. */
  moveTo: Stage.nullable(),
  tag: z.enum(['add', 'remove', 'none']),
  /** Value for the "stock checked" field: true only while stock is OK. */
  stockChecked: z.boolean(),
});
export type GuardDecision = z.infer<typeof GuardDecision>;

/** amoCRM's fixed status ids of the closing stages, the same in every pipeline. */
export const WON_STATUS_ID = 142;
export const LOST_STATUS_ID = 143;
const WON = WON_STATUS_ID;
const LOST = LOST_STATUS_ID;

export const isClosedStage = (stage: Stage) => stage.statusId === WON || stage.statusId === LOST;

export interface GuardInput {
  stage: Stage;
  /** The stage before this change (webhook old_status_id / old_pipeline_id), if known. */
  previousStage: Stage | null;
  /** Our record of the last stage the deal held while its stock was OK. */
  lastGoodStage: Stage | null;
  availability: { status: ReportStatus; lines: StockLine[] };
  rules: GuardRules;
}

const sameStage = (a: Stage, b: Stage) => a.pipelineId === b.pipelineId && a.statusId === b.statusId;

export function isGated(stage: Stage, rules: Pick<GuardRules, 'gatedStages'>): boolean {
  if (rules.gatedStages.length === 0) return !isClosedStage(stage);
  return rules.gatedStages.some((g) => sameStage(g, stage));
}

/**
 * The guard's decision as a function of data: no I/O. A deal in a gated stage whose products are
 * short (or unknown, when unknown blocks) is blocked and, by the rule's action, moved back to where
 * it came from or to a configured stage. Stock OK: the tag comes off and the field is set.
 */
export function decideGuard(input: GuardInput): GuardDecision {
  const { rules, availability } = input;
  const short = availability.lines.filter((l) => l.status === 'short');
  const unknown = availability.lines.filter((l) => l.status === 'unknown');
  const blocking = rules.unknownStock === 'block' ? [...short, ...unknown] : short;
  const toReason = (l: StockLine): GuardReason => ({
    sku: l.sku,
    name: l.name,
    requested: l.requested,
    freeTotal: l.freeTotal,
    status: l.status,
    warehouses: l.warehouses,
  });

  if (availability.status === 'empty')
    return { verdict: 'empty', reasons: [], moveTo: null, tag: 'remove', stockChecked: false };
  if (blocking.length === 0) {
    return {
      verdict: unknown.length ? 'warn' : 'ok',
      reasons: unknown.map(toReason),
      moveTo: null,
      tag: 'remove',
      stockChecked: unknown.length === 0,
    };
  }
  if (!isGated(input.stage, rules)) {
    // Not in a gated stage: nothing to undo, but the deal carries the tag and no "checked" mark.
    return {
      verdict: 'not_gated',
      reasons: blocking.map(toReason),
      moveTo: null,
      tag: 'add',
      stockChecked: false,
    };
  }
  return {
    verdict: 'blocked',
    reasons: blocking.map(toReason),
    moveTo: target(input),
    tag: 'add',
    stockChecked: false,
  };
}

function target(input: GuardInput): Stage | null {
  const { action } = input.rules;
  if (action.type === 'flag_only') return null;
  if (action.type === 'move_to') return sameStage(action.stage, input.stage) ? null : action.stage;
  // move_back: where it came from, unless that is gated too; else the last good stage we saw.
  const candidates = [input.previousStage, input.lastGoodStage].filter((s): s is Stage => s !== null);
  const back = candidates.find((s) => !sameStage(s, input.stage) && !isGated(s, input.rules));
  return back ?? null;
}

/** What the guard did, as data: the card words it in the user's language. */
export const GuardActionDone = z.discriminatedUnion('type', [
  z.object({ type: z.literal('moved'), from: Stage, to: Stage, toName: z.string().nullable().default(null) }),
  z.object({ type: z.literal('tag_added'), tag: z.string() }),
  z.object({ type: z.literal('tag_removed'), tag: z.string() }),
  z.object({ type: z.literal('note_blocked') }),
  z.object({ type: z.literal('note_unblocked') }),
  z.object({ type: z.literal('task_created') }),
  z.object({ type: z.literal('stock_checked_set') }),
  z.object({ type: z.literal('stock_checked_cleared') }),
]);
export type GuardActionDone = z.infer<typeof GuardActionDone>;

export const GuardCause = z.enum(['webhook', 'check_again', 'digital_pipeline', 'reconcile']);

/** One stored decision, as GET /api/v1/leads/:id/guard lists them. */
export const GuardRecord = z.object({
  id: z.number().int(),
  leadId: z.number().int(),
  at: z.string(),
  cause: GuardCause,
  verdict: GuardVerdict,
  reasons: z.array(GuardReason),
  /** What was done: moved, tag added/removed, note, task, "stock checked" field. */
  actions: z.array(GuardActionDone),
  stage: Stage,
});
export type GuardRecord = z.infer<typeof GuardRecord>;

export const GuardHistory = z.object({
  leadId: z.number().int(),
  enabled: z.boolean(),
  latest: GuardRecord.nullable(),
  history: z.array(GuardRecord),
});
export type GuardHistory = z.infer<typeof GuardHistory>;

/** POST /api/v1/leads/:id/stock-check: the fresh report and the decision it led to. */
export const StockCheckResult = z.object({ record: GuardRecord });
export type StockCheckResult = z.infer<typeof StockCheckResult>;
