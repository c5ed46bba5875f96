import type { GuardActionDone, GuardHistory, GuardRecord, GuardVerdict } from '@erp-bridge/shared';
import { describe, expect, it } from 'vitest';
import { guardView } from './guard-view.js';

let id = 0;
const MOVED: GuardActionDone = {
  type: 'moved',
  from: { pipelineId: 8001, statusId: 80013 },
  to: { pipelineId: 8001, statusId: 80012 },
  toName: 'Переговоры',
};
const rec = (verdict: GuardVerdict, actions: GuardActionDone[] = []): GuardRecord => ({
  id: ++id,
  leadId: 1001,
  at: `2026-11-12T10:0${id}:00Z`,
  cause: 'webhook',
  verdict,
  reasons: [],
  actions,
  stage: { pipelineId: 8001, statusId: 80012 },
});
/** History newest first, as GET /guard lists it. */
const history = (...records: GuardRecord[]): GuardHistory => ({
  leadId: 1001,
  enabled: true,
  latest: records[0] ?? null,
  history: records,
});

describe('guardView', () => {
  it('shows nothing while the guard is off or has not decided', () => {
    expect(guardView({ ...history(rec('blocked')), enabled: false }).state).toBe('off');
    expect(guardView(history()).state).toBe('none');
    expect(guardView(history(rec('ok'))).state).toBe('ok');
  });

  it('shows a block as it is', () => {
    const blocked = rec('blocked', [MOVED]);
    expect(guardView(history(blocked, rec('ok')))).toEqual({
      state: 'blocked',
      latest: blocked,
      record: blocked,
    });
  });

  it('keeps showing the stop after the guard moved the deal back (newest: not_gated)', () => {
    const after = rec('not_gated');
    const stop = rec('blocked', [MOVED]);
    const view = guardView(history(after, rec('not_gated'), stop, rec('ok')));
    expect(view.state).toBe('blocked');
    expect(view.record).toBe(stop);
    expect(view.latest).toBe(after);
  });

  it('shows amber when no stop came since stock was last fine', () => {
    const latest = rec('not_gated');
    expect(guardView(history(latest, rec('ok'), rec('blocked'))).state).toBe('not_gated');
    expect(guardView(history(rec('warn'))).state).toBe('warn');
  });
});
