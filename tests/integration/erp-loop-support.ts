import { expect } from 'vitest';
import type { StartedMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { amoApi, createLead, linkProducts } from '../support/amo-api.js';
import { requestInvoice } from '../support/invoices.js';
import { moyskladInvoiceOf } from '../support/moysklad-stack.js';
import type { Stack } from '../support/stack.js';
import { installationOf, leadOf, notesOf } from '../support/stack-state.js';
import { until } from '../support/wait.js';
import { type WidgetRequest, widgetCall } from '../support/widget-api.js';

export const ACCOUNT = 31000001;
export const PIPELINE = 8001;
export const NEGOTIATION = 80012;
export const INVOICED = 80013;
export const WON = 142;
export const LOST = 143;
export const CATALOG = 7001;
export const DRILL = 500101;

/**
 * What these helpers need of a running backend: a Stack (in-process), or a backend child process
 * with its amoCRM emulator (the kill -9 tests); `secret` signs the widget's tokens.
 */
export type LoopHost = Pick<Stack, 'backend' | 'accessToken' | 'emulator'> & { secret?: string };

/** The backend's widget API with a fresh disposable token (an admin, user 5). */
export const widget = (stack: LoopHost, method: string, path: string, opts: WidgetRequest = {}) =>
  widgetCall(stack.backend, method, path, {
    ...opts,
    user: { userId: 5, isAdmin: true, ...(stack.secret && { secret: stack.secret }) },
  });

/** Another amoCRM client (a manager in the UI, a form) sharing the account's limit. */
export const amo = amoApi;

/** A deal of ООО Ромашка (company 3001, found in the ERP by INN) with `drills` drills. */
export async function dealWithDrills(
  stack: LoopHost,
  drills: number,
  statusId = NEGOTIATION,
): Promise<number> {
  const id = await createLead(stack, {
    name: `ERP loop ${Date.now()}`,
    pipeline_id: PIPELINE,
    status_id: statusId,
    _embedded: { companies: [{ id: 3001 }] },
  });
  await linkProducts(stack, id, [[DRILL, drills]], CATALOG);
  return id;
}

/** Requests an invoice from the card and waits until the ERP created it; the MoySklad invoice. */
export async function invoiceFor(stack: LoopHost, moysklad: StartedMoySkladEmulator, leadId: number) {
  // The backend learns of the products linked a moment ago from amoCRM's update hook; until that
  // hook is processed a read the creation hook caused may still be cached without them (a manager
  // takes longer than that to reach the button). Wait for the card to show the positions.
  await until(async () => {
    const list = (await (await widget(stack, 'GET', `/api/v1/leads/${leadId}/invoices`)).json()) as {
      preview: unknown;
    };
    return list.preview !== null;
  }, `the positions of deal ${leadId} in the card`);
  await requestInvoice((method, path, opts) => widget(stack, method, path, opts), leadId, `loop-${leadId}`);
  const invoice = moyskladInvoiceOf(moysklad, ACCOUNT, leadId);
  if (!invoice) throw new Error('no invoice in MoySklad');
  return invoice;
}

export { leadOf, notesOf };

export const loopNotes = (stack: LoopHost, leadId: number, word: RegExp) =>
  notesOf(stack, leadId).filter((n) => /erp-bridge/.test(JSON.stringify(n)) && word.test(JSON.stringify(n)));

export const installation = (stack: Stack) => installationOf(stack, ACCOUNT);

/** The admin's loop mapping both ERP tests use: paid → won, cancelled → a tag, reserve at "invoiced". */
export const mapLoopStages = (stack: Stack, cancelledTag: string) =>
  stack.server.services.accountSettings.update(ACCOUNT, {
    loop: {
      paidStage: { pipelineId: PIPELINE, statusId: WON },
      cancelledTag,
      reserveStage: { pipelineId: PIPELINE, statusId: INVOICED },
    },
  });

/** The guard gates the reserve stage: a short deal moved there is moved back. */
export const gateReserveStage = (stack: Stack) =>
  stack.server.services.accountSettings.update(ACCOUNT, {
    guard: {
      enabled: true,
      gatedStages: [{ pipelineId: PIPELINE, statusId: INVOICED }],
      action: { type: 'move_back' },
    },
  });

/** Waits until the card shows the deal's order in `status`. */
export const untilOrder = (stack: Stack, leadId: number, status: string) =>
  until(
    async () =>
      (await (await widget(stack, 'GET', `/api/v1/leads/${leadId}/erp-loop`)).json()).order?.status ===
      status,
    `order ${status}`,
    30_000,
  );

/** Waits for the loop's note matching `word`, then expects it to be the only one. */
export async function expectOneNote(stack: Stack, leadId: number, word: RegExp) {
  await until(() => loopNotes(stack, leadId, word).length > 0, `note ${word}`);
  expect(loopNotes(stack, leadId, word)).toHaveLength(1);
}

/** The guard re-checks the deal in its gated stage: its own reserve is its own stock, so it stays. */
export async function expectOwnReserveOk(stack: Stack, leadId: number) {
  const check = await (await widget(stack, 'POST', `/api/v1/leads/${leadId}/stock-check`)).json();
  expect(check.record.verdict).toBe('ok');
  expect(leadOf(stack, leadId).statusId).toBe(INVOICED);
}
