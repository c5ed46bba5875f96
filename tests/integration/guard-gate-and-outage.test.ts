import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedMoySkladEmulator, startMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { type Stack, startStack, TEST_SECRET } from '../support/stack.js';
import { signDisposableToken } from '../support/tokens.js';
import { until } from '../support/wait.js';

const ACCOUNT = 31000001;
const PIPELINE = 8001;
const INVOICED = 80013;
const TOKEN = 'guard-moysklad-token';
let stack: Stack;
let moysklad: StartedMoySkladEmulator;

const lead = (id: number) => stack.emulator.state.leads.get(id);
const adminCall = async (path: string, body: unknown) => {
  const token = await signDisposableToken(TEST_SECRET, {
    iss: 'https://erpbridgedemo.amocrm.ru',
    aud: stack.backend,
    account_id: ACCOUNT,
    is_admin: true,
  });
  return fetch(`${stack.backend}${path}`, {
    method: 'POST',
    headers: { 'X-Auth-Token': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
};

beforeAll(async () => {
  moysklad = await startMoySkladEmulator({ token: TOKEN });
  stack = await startStack({
    emulator: { rateLimitPerSecond: 7 },
    env: { ERP_KIND: 'moysklad', MOYSKLAD_TOKEN: TOKEN, MOYSKLAD_API_BASE: moysklad.url },
  });
  await until(() => stack.emulator.state.webhooks.size > 0, 'webhook subscription');
  await stack.server.services.accountSettings.update(ACCOUNT, {
    guard: {
      enabled: true,
      gatedStages: [{ pipelineId: PIPELINE, statusId: INVOICED }],
      action: { type: 'move_back' },
    },
  });
});
afterAll(async () => {
  await stack?.close();
  await moysklad?.close();
});

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
    const token = await signDisposableToken(TEST_SECRET, {
      iss: 'https://erpbridgedemo.amocrm.ru',
      aud: stack.backend,
      account_id: ACCOUNT,
    });
    const res = await fetch(`${stack.backend}/api/v1/leads/1001/stock-check`, {
      method: 'POST',
      headers: { 'X-Auth-Token': token },
    });
    expect((await res.json()).record.actions).toContainEqual({ type: 'stock_checked_set' });
    expect(stack.emulator.state.uiMoveLead(1001, INVOICED).ok).toBe(true);
  });

  it('loses nothing when the ERP is down as a hook arrives: the job retries and enforces once it is back', async () => {
    // Lift the native gate so the UI lets the short deal through and only the server guard acts.
    await adminCall('/api/v1/settings/guard-setup', { enable: false });
    const before = lead(1002)?.statusId;
    moysklad.faults.outage(true);
    expect(stack.emulator.state.uiMoveLead(1002, INVOICED).ok).toBe(true);
    await stack.emulator.webhooks.flush();
    await new Promise((r) => setTimeout(r, 1500));
    expect(lead(1002)?.statusId).toBe(INVOICED); // nothing could be decided yet
    expect((await stack.server.services.inbox.counts()).pending).toBeGreaterThan(0);
    moysklad.faults.outage(false);
    await until(() => lead(1002)?.statusId === before, 'the deal moved back after the ERP recovered');
    const notes = () => [...stack.emulator.state.notes.values()].filter((n) => n.entityId === 1002);
    await until(() => notes().length > 0, 'the note');
    await stack.emulator.webhooks.flush();
    await until(async () => (await stack.server.services.inbox.counts()).pending === 0, 'inbox drained');
    expect(notes()).toHaveLength(1);
  }, 60_000);
});
