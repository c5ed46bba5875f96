import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MoySkladStack, startMoySkladStack } from '../support/moysklad-stack.js';
import { enableGuard, inboxDrained, webhookSubscribed } from '../support/stack-state.js';
import { until } from '../support/wait.js';
import { widgetCall } from '../support/widget-api.js';

const ACCOUNT = 31000001;
const PIPELINE = 8001;
const INVOICED = 80013;
const TOKEN = 'guard-moysklad-token';
let stack: MoySkladStack;

const lead = (id: number) => stack.emulator.state.leads.get(id);
const adminCall = (path: string, body: unknown) =>
  widgetCall(stack.backend, 'POST', path, { body, user: { isAdmin: true } });

beforeAll(async () => {
  stack = await startMoySkladStack(TOKEN, { emulator: { rateLimitPerSecond: 7 } });
  await webhookSubscribed(stack);
  await enableGuard(stack, ACCOUNT, [{ pipelineId: PIPELINE, statusId: INVOICED }], {
    action: { type: 'move_back' },
  });
});
afterAll(() => stack?.close());

describe('stock guard: native gate and ERP outage (MoySklad)', () => {
  it('sets up the API-only "stock checked" field required in gated stages, idempotently', async () => {
    const first = await adminCall('/api/v1/settings/guard-setup', { enable: true });
    expect(first.status).toBe(200);
    const { fieldId } = await first.json();
    const again = await (await adminCall('/api/v1/settings/guard-setup', { enable: true })).json();
    expect(again.fieldId).toBe(fieldId);
    const fields = [...stack.emulator.state.leadFields.values()].filter(
      (f) => f.code === 'ERPB_STOCK_CHECKED',
    );
    expect(fields).toHaveLength(1);
    expect(fields[0]).toMatchObject({ isApiOnly: true });
    expect(JSON.stringify(fields[0])).toContain(String(INVOICED));
  });

  it('makes amoCRM itself refuse to move an unchecked (short) deal into the gated stage', async () => {
    // The guard has not checked 1002 (short): its field is empty, so amoCRM's UI refuses the move.
    expect(stack.emulator.state.uiMoveLead(1002, INVOICED).ok).toBe(false);
    // Deal 1001 is in stock: a check sets the field, and the UI then allows the move.
    const res = await widgetCall(stack.backend, 'POST', '/api/v1/leads/1001/stock-check');
    expect((await res.json()).record.actions).toContainEqual({ type: 'stock_checked_set' });
    expect(stack.emulator.state.uiMoveLead(1001, INVOICED).ok).toBe(true);
  });

  it('loses nothing when the ERP is down as a hook arrives: the job retries and enforces once it is back', async () => {
    // Lift the native gate so the UI lets the short deal through and only the server guard acts.
    await adminCall('/api/v1/settings/guard-setup', { enable: false });
    const before = lead(1002)?.statusId;
    stack.moysklad.faults.outage(true);
    expect(stack.emulator.state.uiMoveLead(1002, INVOICED).ok).toBe(true);
    await stack.emulator.webhooks.flush();
    await new Promise((r) => setTimeout(r, 1500));
    expect(lead(1002)?.statusId).toBe(INVOICED); // nothing could be decided yet
    expect((await stack.server.services.inbox.counts()).pending).toBeGreaterThan(0);
    stack.moysklad.faults.outage(false);
    await until(() => lead(1002)?.statusId === before, 'the deal moved back after the ERP recovered');
    const notes = () => [...stack.emulator.state.notes.values()].filter((n) => n.entityId === 1002);
    await until(() => notes().length > 0, 'the note');
    await stack.emulator.webhooks.flush();
    await inboxDrained(stack);
    expect(notes()).toHaveLength(1);
  }, 60_000);
});
