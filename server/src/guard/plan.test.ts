import { decideGuard, GuardRules, type Stage, type StockLine, WON_STATUS_ID } from '@erp-bridge/shared';
import { describe, expect, it } from 'vitest';
import type { Lead } from '../amocrm/api-schemas.js';
import { decisionMarker, type PlanState, planGuard } from './plan.js';

const P = 10;
const OFFER: Stage = { pipelineId: P, statusId: 2 };
const INVOICED: Stage = { pipelineId: P, statusId: 3 };
const WON: Stage = { pipelineId: P, statusId: WON_STATUS_ID };
const TAG = 'Нет в наличии';
const FIELD = 77;

const line = (status: StockLine['status'], sku = 'GLV-1'): StockLine => ({
  elementId: 1,
  sku,
  name: `Gloves ${sku}`,
  requested: 200,
  price: null,
  warehouses: [{ warehouseId: 'w1', warehouseName: 'Main', free: status === 'ok' ? 500 : 100 }],
  freeTotal: status === 'ok' ? 500 : 100,
  status,
});

const lead = (stage: Stage, opts: { tagged?: boolean; checked?: boolean } = {}): Lead => ({
  id: 555,
  status_id: stage.statusId,
  pipeline_id: stage.pipelineId,
  responsible_user_id: 42,
  custom_fields_values: opts.checked ? [{ field_id: FIELD, values: [{ value: true }] }] : [],
  _embedded: { tags: opts.tagged ? [{ id: 1, name: TAG }] : [] },
});

const state = (lastVerdict: string | null, reasonsHash: string | null = null): PlanState => ({
  lastVerdict,
  reasonsHash,
  lastGoodPipelineId: P,
  lastGoodStatusId: OFFER.statusId,
});

interface Case {
  name: string;
  stage: Stage;
  lines: StockLine[];
  rules?: Partial<GuardRules>;
  before: PlanState | 'same-block';
  tagged?: boolean;
  checked?: boolean;
  expect: {
    move?: Stage;
    tagsToAdd?: boolean;
    tagsToDelete?: boolean;
    field?: 'set' | 'clear';
    note: 'blocked' | 'unblocked' | null;
    task: number | null;
    lastGood: Stage | null;
  };
}

const moveBack = { gatedStages: [INVOICED], action: { type: 'move_back' as const } };
const cases: Case[] = [
  {
    name: 'move_back: first block moves, tags, one note and one task for the responsible user',
    stage: INVOICED,
    lines: [line('short')],
    rules: moveBack,
    before: state(null),
    expect: { move: OFFER, tagsToAdd: true, note: 'blocked', task: 42, lastGood: OFFER },
  },
  {
    name: 'the same block again (a replayed hook) writes nothing',
    stage: INVOICED,
    lines: [line('short')],
    rules: { ...moveBack, action: { type: 'flag_only' } },
    before: 'same-block',
    tagged: true,
    expect: { note: null, task: null, lastGood: OFFER },
  },
  {
    name: 'a block with other reasons is a new note and task',
    stage: INVOICED,
    lines: [line('short', 'GLV-2')],
    rules: { ...moveBack, action: { type: 'flag_only' } },
    before: state('blocked', 'another-hash'),
    tagged: true,
    expect: { note: 'blocked', task: 42, lastGood: OFFER },
  },
  {
    name: 'flag_only (the new-installation default): tag, note, task, no move',
    stage: INVOICED,
    lines: [line('short')],
    rules: { gatedStages: [], action: { type: 'flag_only' } },
    before: state(null),
    expect: { tagsToAdd: true, note: 'blocked', task: 42, lastGood: OFFER },
  },
  {
    name: 'move_to: to the configured stage',
    stage: INVOICED,
    lines: [line('short')],
    rules: { gatedStages: [INVOICED], action: { type: 'move_to', stage: { pipelineId: P, statusId: 9 } } },
    before: state(null),
    expect: {
      move: { pipelineId: P, statusId: 9 },
      tagsToAdd: true,
      note: 'blocked',
      task: 42,
      lastGood: OFFER,
    },
  },
  {
    name: 'not gated: tag only, no note, no task',
    stage: OFFER,
    lines: [line('short')],
    rules: moveBack,
    before: state(null),
    expect: { tagsToAdd: true, note: null, task: null, lastGood: OFFER },
  },
  {
    name: 'createTask off: the note alone',
    stage: INVOICED,
    lines: [line('short')],
    rules: { ...moveBack, createTask: false },
    before: state(null),
    expect: { move: OFFER, tagsToAdd: true, note: 'blocked', task: null, lastGood: OFFER },
  },
  {
    name: 'a fixed task owner wins over the responsible user',
    stage: INVOICED,
    lines: [line('short')],
    rules: { ...moveBack, taskResponsibleUserId: 7 },
    before: state(null),
    expect: { move: OFFER, tagsToAdd: true, note: 'blocked', task: 7, lastGood: OFFER },
  },
  {
    name: 'restock: tag off, "unblocked" note, no task, the stage becomes the last good one',
    stage: INVOICED,
    lines: [line('ok')],
    rules: moveBack,
    before: state('blocked', 'x'),
    tagged: true,
    expect: { tagsToDelete: true, note: 'unblocked', task: null, lastGood: INVOICED },
  },
  {
    name: 'restock after a not-gated flag: unblocked too',
    stage: OFFER,
    lines: [line('ok')],
    rules: moveBack,
    before: state('not_gated', 'x'),
    tagged: true,
    expect: { tagsToDelete: true, note: 'unblocked', task: null, lastGood: OFFER },
  },
  {
    name: 'stock OK and never blocked: nothing to write',
    stage: INVOICED,
    lines: [line('ok')],
    rules: moveBack,
    before: state('ok'),
    expect: { note: null, task: null, lastGood: INVOICED },
  },
  {
    name: 'products removed from a blocked deal: the tag comes off, no note',
    stage: INVOICED,
    lines: [],
    rules: moveBack,
    before: state('blocked', 'x'),
    tagged: true,
    expect: { tagsToDelete: true, note: null, task: null, lastGood: INVOICED },
  },
  {
    name: 'won in stock: a closed stage never becomes the last good stage',
    stage: WON,
    lines: [line('ok')],
    rules: moveBack,
    before: state('ok'),
    expect: { note: null, task: null, lastGood: OFFER },
  },
  {
    name: '"stock checked" is set while OK',
    stage: INVOICED,
    lines: [line('ok')],
    rules: { ...moveBack, stockCheckedFieldId: FIELD },
    before: state('ok'),
    expect: { field: 'set', note: null, task: null, lastGood: INVOICED },
  },
  {
    name: '"stock checked" is cleared when short',
    stage: OFFER,
    lines: [line('short')],
    rules: { ...moveBack, stockCheckedFieldId: FIELD },
    before: state('ok'),
    checked: true,
    expect: { field: 'clear', tagsToAdd: true, note: null, task: null, lastGood: OFFER },
  },
];

describe('the enforcer plan', () => {
  it.each(cases)('$name', (c) => {
    const rules = GuardRules.parse({ enabled: true, tag: TAG, ...c.rules });
    const status = c.lines.length === 0 ? 'empty' : c.lines.some((l) => l.status !== 'ok') ? 'short' : 'ok';
    const availability = { status: status as 'empty' | 'short' | 'ok', lines: c.lines };
    const decide = (_before: PlanState) =>
      decideGuard({ stage: c.stage, previousStage: OFFER, lastGoodStage: OFFER, availability, rules });
    const ctx = {
      rules,
      language: 'en' as const,
      decisionId: 'abc123def456',
      now: new Date(1_800_000_000_000),
    };
    let before = c.before;
    if (before === 'same-block') {
      // What the first block stored, so this run sees "already blocked for these reasons".
      const first = planGuard(ctx, item, lead(c.stage), state(null), decide(state(null)));
      before = { ...state(first.next.verdict), reasonsHash: first.next.reasonsHash };
    }
    const plan = planGuard(
      ctx,
      item,
      lead(c.stage, { tagged: c.tagged, checked: c.checked }),
      before,
      decide(before),
    );

    expect(plan.patch?.status_id ?? null).toBe(c.expect.move?.statusId ?? null);
    expect(Boolean(plan.patch?.tags_to_add)).toBe(Boolean(c.expect.tagsToAdd));
    expect(Boolean(plan.patch?.tags_to_delete)).toBe(Boolean(c.expect.tagsToDelete));
    const field = plan.patch?.custom_fields_values?.[0]?.values;
    expect(field === undefined ? undefined : field === null ? 'clear' : 'set').toBe(c.expect.field);
    const [note, ...more] = plan.notes;
    expect(more).toEqual([]);
    if (c.expect.note === null) expect(note).toBeUndefined();
    else {
      expect(note?.params.text).toContain(c.expect.note === 'blocked' ? 'not enough stock' : 'unblocked');
      // The decision id travels in the text: a re-run after a crash finds what was written.
      expect(note?.params.text).toContain(decisionMarker('abc123def456'));
    }
    if (c.expect.note === 'blocked')
      expect(note?.params.text).toMatch(/requested 200, available 100 \(Main: 100\)/);
    expect(plan.task?.responsible_user_id ?? null).toBe(c.expect.task);
    if (plan.task) {
      expect(plan.task.text).toContain(decisionMarker('abc123def456'));
      expect(plan.task.complete_till).toBe(1_800_000_000 + 86_400);
    }
    expect(plan.next.lastGoodStage).toEqual(c.expect.lastGood);
  });
});

const item = { leadId: 555, cause: 'webhook' as const, causeEvent: null, previousStage: OFFER };
