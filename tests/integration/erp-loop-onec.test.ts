import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservedBy, type StartedOneCEmulator, startOneCEmulator } from '../emulators/onec/src/index.js';
import { type Stack, startStack } from '../support/stack.js';
import { until } from '../support/wait.js';
import {
  ACCOUNT,
  dealWithDrills,
  expectOneNote,
  expectOwnReserveOk,
  gateReserveStage,
  INVOICED,
  installation,
  LOST,
  leadOf,
  loopNotes,
  mapLoopStages,
  PIPELINE,
  untilOrder,
  WON,
  widget,
} from './erp-loop-support.js';

// Issue 15 on 1C, end to end: backend + amoCRM emulator + 1C OData emulator. 1C has no webhooks,
// so everything the ERP says reaches the deal through the poll.
const USER = 'Интеграция';
const PASSWORD = 'пароль-1С';
const CANCELLED_TAG = 'Счёт аннулирован';
let stack: Stack;
let onec: StartedOneCEmulator;

beforeAll(async () => {
  onec = await startOneCEmulator({ user: USER, password: PASSWORD });
  stack = await startStack({
    emulator: { rateLimitPerSecond: 7 },
    env: { ERP_KIND: 'onec', ONEC_ODATA_URL: onec.url, ONEC_USER: USER, ONEC_PASSWORD: PASSWORD },
  });
  await until(() => stack.emulator.state.webhooks.size > 0, 'amoCRM webhook subscription');
  await mapLoopStages(stack, CANCELLED_TAG);
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await onec?.close();
});

const invoices = () => onec.state.sets.get('Document_СчетНаОплатуКлиенту')?.rows ?? [];
const ordersOf = (leadId: number) =>
  (onec.state.sets.get('Document_ЗаказКлиента')?.rows ?? []).filter((d) =>
    String(d.Комментарий).startsWith(`amoCRM #${leadId}\n`),
  );
const view = async (leadId: number) =>
  (await widget(stack, 'GET', `/api/v1/leads/${leadId}/erp-loop`)).json();
// "счёт № … оплачен: оплачено …" (a partial payment's note says "оплачен частично").
const paidNotes = (leadId: number) => loopNotes(stack, leadId, / оплачен:/);

/** A minute passes: every followed invoice is due for the poll again (it re-checks each after 60 s). */
const minuteLater = () =>
  stack.server.services.database.db.execute(
    'update erp_invoice_states set checked_at = to_timestamp(0)' as never,
  );
const pollNow = async () => {
  await minuteLater();
  await stack.server.services.erpLoop.poll();
};

/** Requests an invoice from the card and waits until 1C has it; the 1C document. */
async function invoiceFor(leadId: number) {
  const list = await (await widget(stack, 'GET', `/api/v1/leads/${leadId}/invoices`)).json();
  const res = await widget(stack, 'POST', `/api/v1/leads/${leadId}/invoices`, {
    body: { confirmedTotal: list.preview.total },
    key: `onec-loop-${leadId}`,
  });
  expect(res.status).toBe(202);
  await until(async () => {
    const now = await (await widget(stack, 'GET', `/api/v1/leads/${leadId}/invoices`)).json();
    return now.items[0]?.status === 'created';
  }, 'invoice created');
  const invoice = invoices().find((d) =>
    String(d.Комментарий).includes(`erp-bridge:erpb-${ACCOUNT}-${leadId}-`),
  );
  if (!invoice) throw new Error('no invoice in 1C');
  return invoice.Ref_Key as string;
}

describe('invoice payments follow 1C (polling only)', () => {
  it('has no webhooks to register: the loop relies on the poll', async () => {
    expect(await stack.server.services.erpLoop.subscribe(await installation(stack))).toBe(false);
    const view0 = await view(await dealWithDrills(stack, 1));
    expect(view0.capabilities).toEqual({ invoiceStatus: true, orders: true });
  });

  it('an invoice paid in 1C in two receipts is seen by the poll: the deal moves, one note per change', async () => {
    const leadId = await dealWithDrills(stack, 1);
    const invoice = await invoiceFor(leadId);
    await pollNow();
    expect((await view(leadId)).invoices[0]).toMatchObject({ state: 'issued' });
    onec.loop.pay(invoice, 4000);
    await pollNow();
    expect((await view(leadId)).invoices[0]).toMatchObject({
      state: 'partially_paid',
      paidSum: { amount: 4000 },
    });
    expect(leadOf(stack, leadId).statusId).not.toBe(WON);
    onec.loop.pay(invoice, 4990);
    await pollNow();
    await until(() => leadOf(stack, leadId).statusId === WON, 'deal moved to the paid stage');
    // Later polls see the same state: nothing more is written.
    await pollNow();
    await pollNow();
    await until(() => paidNotes(leadId).length > 0, 'paid note');
    expect(paidNotes(leadId)).toHaveLength(1);
    expect(loopNotes(stack, leadId, /частично/)).toHaveLength(1);
    expect((await view(leadId)).invoices[0]).toMatchObject({ state: 'paid', paidSum: { amount: 8990 } });
  });

  it('an invoice annulled in 1C tags the deal once', async () => {
    const leadId = await dealWithDrills(stack, 1);
    const invoice = await invoiceFor(leadId);
    onec.loop.cancelInvoice(invoice, 'annul');
    await pollNow();
    await until(
      () => (leadOf(stack, leadId).tags ?? []).some((t: { name: string }) => t.name === CANCELLED_TAG),
      'cancelled tag',
    );
    await pollNow();
    expect(loopNotes(stack, leadId, /отменён/)).toHaveLength(1);
  });
});

describe('reserve on a stage (1C Document_ЗаказКлиента)', () => {
  it('the reserve stage makes exactly one 1C order, even when its answer is lost; the guard lets the deal keep its own reserve; lost releases it', async () => {
    await gateReserveStage(stack);
    const drill = onec.state.refs.items['DRL-18V'] as string;
    // All 26 free drills (Moscow 20 + St Petersburg 6): once reserved, 1C shows 0 free.
    const leadId = await dealWithDrills(stack, 26);
    // 1C writes the order, the web server in front of it answers 502.
    onec.loopFaults.loseNextAnswer(1, (r) => r.method === 'POST' && r.resource === 'Document_ЗаказКлиента');
    stack.emulator.state.uiMoveLead(leadId, INVOICED, PIPELINE);
    await untilOrder(stack, leadId, 'reserved');
    expect(onec.calls.some((c) => c.status === 502)).toBe(true);
    expect(ordersOf(leadId)).toHaveLength(1);
    const orderId = ordersOf(leadId)[0]?.Ref_Key as string;
    expect(reservedBy(onec.state, orderId)).toEqual({ [drill]: 26 });
    expect((await view(leadId)).order.reserved).toEqual({ 'DRL-18V': 26 });
    await expectOneNote(stack, leadId, /заказ/);
    await expectOwnReserveOk(stack, leadId);

    stack.emulator.state.uiMoveLead(leadId, LOST, PIPELINE);
    await untilOrder(stack, leadId, 'released');
    expect(reservedBy(onec.state, orderId)).toEqual({});
    expect(ordersOf(leadId)).toHaveLength(1);
    await expectOneNote(stack, leadId, /снят/);
  }, 60_000);
});
