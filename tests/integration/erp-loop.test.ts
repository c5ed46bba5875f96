import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { type MoySkladStack, startMoySkladStack } from '../support/moysklad-stack.js';
import { webhookSubscribed } from '../support/stack-state.js';
import { until } from '../support/wait.js';
import {
  dealWithDrills,
  expectOneNote,
  expectOwnReserveOk,
  gateReserveStage,
  INVOICED,
  installation,
  invoiceFor,
  LOST,
  leadOf,
  loopNotes,
  mapLoopStages,
  PIPELINE,
  untilOrder,
  WON,
  widget,
} from './erp-loop-support.js';

// Issue 15, "the ERP talks back", end to end: backend + amoCRM emulator + MoySklad emulator.
const TOKEN = 'erp-loop-token';
const CANCELLED_TAG = 'Счёт отменён';
let stack: MoySkladStack;
let moysklad: StartedMoySkladEmulator;

beforeAll(async () => {
  stack = await startMoySkladStack(TOKEN, { emulator: { rateLimitPerSecond: 7 } });
  moysklad = stack.moysklad;
  await webhookSubscribed(stack);
  await mapLoopStages(stack, CANCELLED_TAG);
  // What the poll does on its first pass for an account whose ERP has webhooks.
  await stack.server.services.erpLoop.subscribe(await installation(stack));
}, 60_000);
afterAll(() => stack?.close());

const paidNotes = (leadId: number) => loopNotes(stack, leadId, /оплачен(?! частично)/);

describe('invoice payments follow the ERP (MoySklad)', () => {
  it('registers its MoySklad webhooks on a per-account URL that is not the amoCRM one', async () => {
    const hooks = moysklad.state.webhooks;
    expect(hooks.map((h) => `${h.entityType}:${h.action}`).sort()).toEqual([
      'invoiceout:UPDATE',
      'paymentin:CREATE',
      'paymentin:UPDATE',
    ]);
    const inst = await installation(stack);
    expect(hooks[0]?.url).toMatch(new RegExp(`^${stack.backend}/webhooks/erp/[A-Za-z0-9_-]{32}$`));
    expect(hooks[0]?.url).not.toContain(inst.hookKey);
    // Subscribing again registers nothing new.
    await stack.server.services.erpLoop.subscribe(inst);
    expect(moysklad.state.webhooks).toHaveLength(3);
  });

  it('an invoice paid in MoySklad moves the deal and writes exactly one note (webhook path)', async () => {
    const leadId = await dealWithDrills(stack, 1);
    const invoice = await invoiceFor(stack, moysklad, leadId);
    moysklad.loop.pay(invoice.id, 8990);
    await until(() => leadOf(stack, leadId).statusId === WON, 'deal moved to the paid stage');
    await moysklad.hooks.settle();
    await new Promise((r) => setTimeout(r, 500));
    expect(paidNotes(leadId)).toHaveLength(1);
    const view = await (await widget(stack, 'GET', `/api/v1/leads/${leadId}/erp-loop`)).json();
    expect(view.invoices[0]).toMatchObject({
      state: 'paid',
      paidSum: { amount: 8990 },
      number: invoice.name,
    });
  });

  it('the same, with every webhook delivered twice and the older ones arriving last: one note', async () => {
    const leadId = await dealWithDrills(stack, 1);
    const invoice = await invoiceFor(stack, moysklad, leadId);
    // The first payment's two notifications are held back; everything is delivered twice.
    moysklad.hooks.holdNext(2);
    moysklad.hooks.duplicateNext(10);
    moysklad.loop.pay(invoice.id, 4000);
    moysklad.loop.pay(invoice.id, 4990);
    await until(() => leadOf(stack, leadId).statusId === WON, 'deal moved to the paid stage');
    await moysklad.hooks.releaseHeld(); // late: the partial payment's news, after the full one
    await moysklad.hooks.settle();
    await new Promise((r) => setTimeout(r, 1000));
    expect(paidNotes(leadId)).toHaveLength(1);
    // A stale partial-payment notification never turns a paid invoice back.
    const view = await (await widget(stack, 'GET', `/api/v1/leads/${leadId}/erp-loop`)).json();
    expect(view.invoices[0].state).toBe('paid');
    expect(leadOf(stack, leadId).statusId).toBe(WON);
  });

  it("a payment's webhook reads only the invoices its paymentin names in `operations`", async () => {
    const other = await invoiceFor(stack, moysklad, await dealWithDrills(stack, 1));
    const leadId = await dealWithDrills(stack, 1);
    const invoice = await invoiceFor(stack, moysklad, leadId);
    const from = moysklad.calls.length;
    const paymentId = moysklad.loop.pay(invoice.id, 8990);
    await until(() => leadOf(stack, leadId).statusId === WON, 'deal moved to the paid stage');
    await moysklad.hooks.settle();
    await new Promise((r) => setTimeout(r, 500));
    const calls = moysklad.calls.slice(from);
    expect(calls.some((c) => c.path.endsWith(`/entity/paymentin/${paymentId}`))).toBe(true);
    const invoiceReads = calls.filter((c) => c.path.endsWith('/entity/invoiceout') && c.method === 'GET');
    expect(invoiceReads.length).toBeGreaterThan(0);
    // The other open invoice is not re-read because some payment came.
    for (const read of invoiceReads) expect(decodeURIComponent(read.query)).not.toContain(other.id);
  });

  it('when every webhook is lost, the poll sees the payment: the deal moves, one note', async () => {
    const leadId = await dealWithDrills(stack, 1);
    const invoice = await invoiceFor(stack, moysklad, leadId);
    moysklad.hooks.dropNext(2);
    moysklad.loop.pay(invoice.id, 8990);
    await moysklad.hooks.settle();
    expect(leadOf(stack, leadId).statusId).not.toBe(WON);
    await stack.server.services.erpLoop.poll();
    await until(() => leadOf(stack, leadId).statusId === WON, 'deal moved by the poll');
    await stack.server.services.erpLoop.poll();
    expect(paidNotes(leadId)).toHaveLength(1);
  });

  it('a cancelled invoice tags the deal', async () => {
    const leadId = await dealWithDrills(stack, 1);
    const invoice = await invoiceFor(stack, moysklad, leadId);
    moysklad.loop.setState(invoice.id, 'Отменен');
    await until(
      () => (leadOf(stack, leadId).tags ?? []).some((t: { name: string }) => t.name === CANCELLED_TAG),
      'cancelled tag',
    );
    expect(loopNotes(stack, leadId, /отменён/)).toHaveLength(1);
  });

  it('refuses an unknown ERP webhook key (404) and a body that is not a notification (400)', async () => {
    const unknown = await fetch(`${stack.backend}/webhooks/erp/${'x'.repeat(32)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events: [] }),
    });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    const url = moysklad.state.webhooks[0]?.url ?? '';
    const bad = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"events":"x"}',
    });
    expect(bad.status).toBe(400);
  });
});

describe('reserve on a stage (MoySklad customerorder)', () => {
  const ordersOf = (leadId: number) =>
    moysklad.state.documents.filter(
      (d) => d.type === 'customerorder' && d.description === `amoCRM #${leadId}`,
    );
  const unassignedDrillReserve = () =>
    moysklad.state.unassigned.find(
      (u) => u.assortmentId === moysklad.state.products.find((p) => p.article === 'DRL-18V')?.id,
    )?.reserve ?? 0;

  it('reaching the reserve stage creates exactly one order, even when its answer is lost; the guard does not block the deal on its own reserve; lost releases it', async () => {
    await gateReserveStage(stack);
    // All 26 free drills (msk 20 + spb 6): once reserved, the ERP shows 0 free.
    const leadId = await dealWithDrills(stack, 26);
    const before = unassignedDrillReserve();
    // MoySklad creates the order but the answer never reaches us (a crash between its commit and ours).
    const callsBefore = moysklad.calls.length;
    moysklad.faults.loseNextAnswer(1, { method: 'POST', pathIncludes: '/entity/customerorder' });
    stack.emulator.state.uiMoveLead(leadId, INVOICED, PIPELINE);
    await untilOrder(stack, leadId, 'reserved');
    expect(moysklad.calls.slice(callsBefore).some((c) => c.status === 502)).toBe(true); // lost indeed
    expect(ordersOf(leadId)).toHaveLength(1);
    expect(ordersOf(leadId)[0]?.positions[0]).toMatchObject({ quantity: 26, reserve: 26 });
    expect(unassignedDrillReserve() - before).toBe(26);
    await expectOneNote(stack, leadId, /заказ/);
    await expectOwnReserveOk(stack, leadId);

    stack.emulator.state.uiMoveLead(leadId, LOST, PIPELINE);
    await untilOrder(stack, leadId, 'released');
    expect(unassignedDrillReserve()).toBe(before);
    expect(ordersOf(leadId)).toHaveLength(1);
    await expectOneNote(stack, leadId, /снят/);
  }, 60_000);
});
