import { webhookInbox } from '@erp-bridge/server/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.js';
import { until } from '../support/wait.js';

/**
 * Reconciliation builds the same dedupe keys as the hooks (one factory), so after delivered hooks
 * it stores nothing; and it reads stage moves from amoCRM's events API, so a move no hook brought
 * knows the stage it left and is moved back like a hooked one.
 */
const ACCOUNT = 31000001;
const PIPELINE = 8001;
const GATED = 80013;
let stack: Stack;

beforeAll(async () => {
  // Hooks queue in the emulator until flushed: the test decides which changes arrive by hook.
  stack = await startStack({ emulator: { autoDeliverWebhooks: false } });
  await stack.server.services.accountSettings.update(ACCOUNT, {
    guard: {
      enabled: true,
      gatedStages: [{ pipelineId: PIPELINE, statusId: GATED }],
      action: { type: 'move_back' },
    },
  });
});
afterAll(() => stack?.close());

const inst = async () => {
  const i = await stack.server.services.installations.findActive(ACCOUNT);
  if (!i) throw new Error('no installation');
  return i;
};
const inboxRows = async () => (await stack.server.services.database.db.select().from(webhookInbox)).length;

/** Delivers every queued hook, including those our own writes cause, until nothing is left to do. */
async function deliverAll() {
  let quiet = 0;
  while (quiet < 4) {
    const before = stack.emulator.webhooks.pending;
    await stack.emulator.webhooks.flush();
    const { pending } = await stack.server.services.inbox.counts();
    quiet = before === 0 && pending === 0 ? quiet + 1 : 0;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('reconciliation', () => {
  it('stores nothing for changes whose hooks were delivered', async () => {
    await deliverAll();
    await stack.server.services.installations.setReconciledUntil(
      (await inst()).id,
      new Date(Date.now() - 1000),
    );
    const { state } = stack.emulator;
    expect(state.uiMoveLead(1001, GATED).ok).toBe(true); // in stock: stays
    expect(state.uiMoveLead(1002, GATED).ok).toBe(true); // short: moved back, tagged, noted
    await deliverAll();
    expect(state.leads.get(1002)?.statusId).not.toBe(GATED);
    await new Promise((r) => setTimeout(r, 1100)); // amoCRM's times have one-second resolution
    const before = await inboxRows();
    await stack.server.services.reconcile(await inst());
    expect(await inboxRows()).toBe(before);
  });

  it('moves back a move that only reconciliation saw, to the stage the events API says it left', async () => {
    await deliverAll();
    const { state } = stack.emulator;
    const lead = state.leads.get(1002);
    if (!lead) throw new Error('no lead 1002');
    const from = lead.statusId;
    expect(from).not.toBe(GATED);
    await stack.server.services.installations.setReconciledUntil(
      (await inst()).id,
      new Date(Date.now() - 1000),
    );
    expect(state.uiMoveLead(1002, GATED).ok).toBe(true);
    // Its hooks stay queued in the emulator: amoCRM lost them.
    await new Promise((r) => setTimeout(r, 1100));
    await stack.server.services.reconcile(await inst());
    await until(() => state.leads.get(1002)?.statusId === from, 'the deal moved back', 15_000);
    // The decision is recorded after its writes (the move back is the first of them): wait for it.
    const reconcileDecision = async () => {
      const history = await stack.server.services.guard.history(await inst(), 1002);
      // Hooks of earlier writes may be decided after it (no-ops): find the reconciliation's decision.
      return [history.latest, ...history.history].find((d) => d?.cause === 'reconcile');
    };
    await until(async () => (await reconcileDecision()) !== undefined, 'the reconciliation decision', 15_000);
    const reconciled = await reconcileDecision();
    expect(reconciled?.actions).toContainEqual(
      expect.objectContaining({ type: 'moved', to: { pipelineId: PIPELINE, statusId: from } }),
    );
  });
});
