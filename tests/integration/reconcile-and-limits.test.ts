import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.js';
import { until } from '../support/wait.js';

const ACCOUNT = 31000001;
let stack: Stack;

beforeAll(async () => {
  // amoCRM never delivers a hook here: only reconciliation can notice changes.
  stack = await startStack({ emulator: { rateLimitPerSecond: 7, autoDeliverWebhooks: false } });
  await stack.server.services.accountSettings.update(ACCOUNT, {
    guard: {
      enabled: true,
      gatedStages: [{ pipelineId: 8001, statusId: 80013 }],
      action: { type: 'move_back' },
    },
  });
});
afterAll(() => stack?.close());

describe('reconciliation', () => {
  it('catches a change whose webhook never came and enforces the guard on it', async () => {
    const inst = await stack.server.services.installations.findActive(ACCOUNT);
    if (!inst) throw new Error('no installation');
    // Start the window now, so only what changes below is "missed".
    await stack.server.services.installations.setReconciledUntil(inst.id, new Date(Date.now() - 1000));
    expect(stack.emulator.state.uiMoveLead(1002, 80013).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 1100)); // amoCRM's updated_at has 1-second resolution
    const fresh = await stack.server.services.installations.findActive(ACCOUNT);
    if (!fresh) throw new Error('no installation');
    await stack.server.services.reconcile(fresh);
    // Without the hook the previous stage is unknown, so the deal is flagged where it stands.
    const notes = () => [...stack.emulator.state.notes.values()].filter((n) => n.entityId === 1002);
    await until(
      async () => (await stack.server.services.guard.history(fresh, 1002)).latest !== null,
      'the guard decided',
    );
    expect(stack.emulator.state.leads.get(1002)?.tags.map((t) => t.name)).toContain('Нет в наличии');
    expect(notes()).toHaveLength(1);
    const history = await stack.server.services.guard.history(fresh, 1002);
    expect(history.latest?.verdict).toBe('blocked');
  });
});

describe('rate limit', () => {
  it('keeps a burst of 120 requests at or under 7 per second with zero 429s', async () => {
    const inst = await stack.server.services.installations.findActive(ACCOUNT);
    if (!inst) throw new Error('no installation');
    const amo = stack.server.services.access.clientFor(inst);
    // Let earlier traffic leave amoCRM's one-second window.
    await new Promise((r) => setTimeout(r, 1100));
    const from = stack.emulator.calls.length;
    const started = Date.now();
    await Promise.all(Array.from({ length: 120 }, () => amo.account()));
    const elapsed = (Date.now() - started) / 1000;
    const calls = stack.emulator.calls.slice(from);
    expect(calls.filter((c) => c.status === 429)).toEqual([]);
    expect(calls).toHaveLength(120);
    // No sliding one-second window saw more than 7 requests.
    const times = calls.map((c) => new Date(c.at).getTime()).sort((a, b) => a - b);
    let maxInWindow = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while ((times[i] ?? 0) - (times[j] ?? 0) >= 1000) j++;
      maxInWindow = Math.max(maxInWindow, i - j + 1);
    }
    expect(maxInWindow).toBeLessThanOrEqual(7);
    expect(120 / elapsed).toBeGreaterThan(5); // and it does not crawl
  }, 60_000);
});
