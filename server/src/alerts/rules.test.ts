import { describe, expect, it } from 'vitest';
import { type AccountSignals, activeConditions } from './rules.js';

const quiet: AccountSignals = {
  blockedUntil: null,
  authError: false,
  erpFailingSince: null,
  lastHookAt: null,
  hooksLast24h: 0,
  lastReconciledChangeAt: null,
  oldestPendingAt: null,
};
const now = new Date('2026-12-02T12:00:00Z');
const ago = (min: number) => new Date(now.getTime() - min * 60_000);
const rules = (s: Partial<AccountSignals>) => activeConditions({ ...quiet, ...s }, now).map((c) => c.rule);

describe('alert rules', () => {
  it('say nothing for a healthy account', () => expect(rules({})).toEqual([]));
  it('open the ERP alert only after 10 minutes of failure', () => {
    expect(rules({ erpFailingSince: ago(9) })).toEqual([]);
    expect(rules({ erpFailingSince: ago(11) })).toEqual(['erp_circuit_open']);
  });
  it('flag a block while it lasts, and revoked tokens', () => {
    expect(rules({ blockedUntil: ago(-5) })).toEqual(['amocrm_blocked']);
    expect(rules({ blockedUntil: ago(1) })).toEqual([]);
    expect(rules({ authError: true })).toEqual(['amocrm_tokens_revoked']);
  });
  it('flag a backlog older than 5 minutes', () => {
    expect(rules({ oldestPendingAt: ago(4) })).toEqual([]);
    expect(rules({ oldestPendingAt: ago(6) })).toEqual(['backlog_stale']);
  });
  it('judge webhook silence against the usual gap, only while reconciliation finds changes', () => {
    // 96 hooks a day: a 15-minute gap is usual, 3x that is 45 minutes.
    expect(rules({ lastHookAt: ago(40), hooksLast24h: 96, lastReconciledChangeAt: ago(1) })).toEqual([]);
    expect(rules({ lastHookAt: ago(50), hooksLast24h: 96, lastReconciledChangeAt: ago(1) })).toEqual([
      'webhooks_silent',
    ]);
    expect(rules({ lastHookAt: ago(50), hooksLast24h: 96 })).toEqual([]);
    expect(rules({ lastReconciledChangeAt: ago(1) })).toEqual(['webhooks_silent']);
  });
  it('never put a number that could identify a person or a secret in a message', () => {
    const all = activeConditions(
      {
        ...quiet,
        blockedUntil: ago(-5),
        authError: true,
        erpFailingSince: ago(20),
        oldestPendingAt: ago(9),
        lastReconciledChangeAt: ago(1),
      },
      now,
    );
    expect(all).toHaveLength(5);
    for (const c of all) expect(c.message).not.toMatch(/\d{4,}/);
  });
});
