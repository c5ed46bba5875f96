import { describe, expect, it } from 'vitest';
import {
  decideGuard,
  type GuardInput,
  GuardRules,
  isClosedStage,
  isGated,
  LOST_STATUS_ID,
  type Stage,
  WON_STATUS_ID,
} from './guard.js';
import type { ReportStatus, StockLine } from './stock.js';

const P = 10;
const NEW: Stage = { pipelineId: P, statusId: 1 };
const OFFER: Stage = { pipelineId: P, statusId: 2 };
const INVOICED: Stage = { pipelineId: P, statusId: 3 };
const SHIPPED: Stage = { pipelineId: P, statusId: 4 };
const OUT_OF_STOCK: Stage = { pipelineId: P, statusId: 9 };
const WON: Stage = { pipelineId: P, statusId: WON_STATUS_ID };
const LOST: Stage = { pipelineId: P, statusId: LOST_STATUS_ID };

const line = (status: StockLine['status'], sku = `SKU-${status}`): StockLine => ({
  elementId: 1,
  sku,
  name: sku,
  requested: 5,
  price: null,
  warehouses: [
    { warehouseId: 'w1', warehouseName: 'Main', free: status === 'unknown' ? null : status === 'ok' ? 9 : 2 },
  ],
  freeTotal: status === 'unknown' ? null : status === 'ok' ? 9 : 2,
  status,
});
const OK = [line('ok')];
const SHORT = [line('ok'), line('short')];
const UNKNOWN = [line('ok'), line('unknown')];
const statusOf = (lines: StockLine[]): ReportStatus =>
  lines.length === 0
    ? 'empty'
    : lines.some((l) => l.status === 'short')
      ? 'short'
      : lines.some((l) => l.status === 'unknown')
        ? 'unknown'
        : 'ok';

const gatedInvoiced = { gatedStages: [INVOICED, SHIPPED] };

interface Case {
  name: string;
  stage: Stage;
  previous?: Stage | null;
  lastGood?: Stage | null;
  lines: StockLine[];
  rules?: Partial<GuardRules>;
  verdict: string;
  moveTo: Stage | null;
  tag: 'add' | 'remove' | 'none';
  checked: boolean;
  reasons?: string[];
}

const cases: Case[] = [
  // move_back (the schema's default action)
  {
    name: 'move_back: short in a gated stage goes back where it came from',
    stage: INVOICED,
    previous: OFFER,
    lines: SHORT,
    rules: gatedInvoiced,
    verdict: 'blocked',
    moveTo: OFFER,
    tag: 'add',
    checked: false,
    reasons: ['SKU-short'],
  },
  {
    name: 'move_back: came from a gated stage too, so back to the last good stage',
    stage: SHIPPED,
    previous: INVOICED,
    lastGood: OFFER,
    lines: SHORT,
    rules: gatedInvoiced,
    verdict: 'blocked',
    moveTo: OFFER,
    tag: 'add',
    checked: false,
  },
  {
    name: 'move_back: nowhere known to go, so it stays (blocked, flagged)',
    stage: INVOICED,
    lines: SHORT,
    rules: gatedInvoiced,
    verdict: 'blocked',
    moveTo: null,
    tag: 'add',
    checked: false,
  },
  {
    name: 'move_back: the previous stage equal to the current one is no target',
    stage: INVOICED,
    previous: INVOICED,
    lastGood: NEW,
    lines: SHORT,
    rules: gatedInvoiced,
    verdict: 'blocked',
    moveTo: NEW,
    tag: 'add',
    checked: false,
  },
  // move_to
  {
    name: 'move_to: short goes to the configured stage',
    stage: INVOICED,
    previous: OFFER,
    lines: SHORT,
    rules: { ...gatedInvoiced, action: { type: 'move_to', stage: OUT_OF_STOCK } },
    verdict: 'blocked',
    moveTo: OUT_OF_STOCK,
    tag: 'add',
    checked: false,
  },
  {
    name: 'move_to: already there, so no move',
    stage: OUT_OF_STOCK,
    lines: SHORT,
    rules: { gatedStages: [OUT_OF_STOCK], action: { type: 'move_to', stage: OUT_OF_STOCK } },
    verdict: 'blocked',
    moveTo: null,
    tag: 'add',
    checked: false,
  },
  // flag_only
  {
    name: 'flag_only: blocked but never moved',
    stage: INVOICED,
    previous: OFFER,
    lines: SHORT,
    rules: { ...gatedInvoiced, action: { type: 'flag_only' } },
    verdict: 'blocked',
    moveTo: null,
    tag: 'add',
    checked: false,
  },
  // unknown stock
  {
    name: 'unknownStock warn: unknown only warns, never blocks or moves',
    stage: INVOICED,
    previous: OFFER,
    lines: UNKNOWN,
    rules: { ...gatedInvoiced, unknownStock: 'warn' },
    verdict: 'warn',
    moveTo: null,
    tag: 'remove',
    checked: false,
    reasons: ['SKU-unknown'],
  },
  {
    name: 'unknownStock block: unknown blocks like short',
    stage: INVOICED,
    previous: OFFER,
    lines: UNKNOWN,
    rules: { ...gatedInvoiced, unknownStock: 'block' },
    verdict: 'blocked',
    moveTo: OFFER,
    tag: 'add',
    checked: false,
    reasons: ['SKU-unknown'],
  },
  {
    name: 'unknownStock block: short and unknown are both reasons',
    stage: INVOICED,
    previous: OFFER,
    lines: [line('short'), line('unknown')],
    rules: { ...gatedInvoiced, unknownStock: 'block' },
    verdict: 'blocked',
    moveTo: OFFER,
    tag: 'add',
    checked: false,
    reasons: ['SKU-short', 'SKU-unknown'],
  },
  // not gated
  {
    name: 'not gated: short outside the gated stages is tagged, not moved',
    stage: OFFER,
    previous: NEW,
    lines: SHORT,
    rules: gatedInvoiced,
    verdict: 'not_gated',
    moveTo: null,
    tag: 'add',
    checked: false,
  },
  {
    name: 'no gated stages chosen: every open stage counts as gated',
    stage: OFFER,
    previous: NEW,
    lines: SHORT,
    rules: { gatedStages: [] },
    verdict: 'blocked',
    moveTo: null,
    tag: 'add',
    checked: false,
  },
  // won / lost
  {
    name: 'won is never gated by default: a short won deal is only tagged',
    stage: WON,
    previous: SHIPPED,
    lines: SHORT,
    rules: { gatedStages: [] },
    verdict: 'not_gated',
    moveTo: null,
    tag: 'add',
    checked: false,
  },
  {
    name: 'lost is never gated by default',
    stage: LOST,
    previous: OFFER,
    lines: SHORT,
    rules: { gatedStages: [] },
    verdict: 'not_gated',
    moveTo: null,
    tag: 'add',
    checked: false,
  },
  {
    name: 'move_back may return a deal to a closed stage it left (won/lost are never gated)',
    stage: OFFER,
    previous: WON,
    lines: SHORT,
    rules: { gatedStages: [] },
    verdict: 'blocked',
    moveTo: WON,
    tag: 'add',
    checked: false,
  },
  // restock and removed products
  {
    name: 'restock: stock OK again takes the tag off and sets "stock checked"',
    stage: INVOICED,
    previous: OFFER,
    lines: OK,
    rules: gatedInvoiced,
    verdict: 'ok',
    moveTo: null,
    tag: 'remove',
    checked: true,
  },
  {
    name: 'products removed: nothing to check, the tag comes off, nothing is checked',
    stage: INVOICED,
    lines: [],
    rules: gatedInvoiced,
    verdict: 'empty',
    moveTo: null,
    tag: 'remove',
    checked: false,
  },
];

describe('decideGuard', () => {
  it.each(cases)('$name', (c) => {
    const input: GuardInput = {
      stage: c.stage,
      previousStage: c.previous ?? null,
      lastGoodStage: c.lastGood ?? null,
      availability: { status: statusOf(c.lines), lines: c.lines },
      rules: GuardRules.parse({ enabled: true, ...c.rules }),
    };
    const d = decideGuard(input);
    expect(d.verdict).toBe(c.verdict);
    expect(d.moveTo).toEqual(c.moveTo);
    expect(d.tag).toBe(c.tag);
    expect(d.stockChecked).toBe(c.checked);
    if (c.reasons) expect(d.reasons.map((r) => r.sku)).toEqual(c.reasons);
    // A reason carries what the note needs: requested vs free per warehouse.
    for (const r of d.reasons) expect(r.warehouses[0]).toHaveProperty('warehouseName', 'Main');
  });
});

describe('stage constants', () => {
  it('names amoCRM fixed won/lost ids once', () => {
    expect([WON_STATUS_ID, LOST_STATUS_ID]).toEqual([142, 143]);
    expect(isClosedStage(WON) && isClosedStage(LOST) && !isClosedStage(OFFER)).toBe(true);
    expect(isGated(WON, { gatedStages: [] })).toBe(false);
    expect(isGated(WON, { gatedStages: [WON] })).toBe(true);
  });
});
