import { expect } from 'vitest';
import { until } from './wait.js';
import type { WidgetRequest } from './widget-api.js';

/** A widget API caller bound to one backend and user. */
export type WidgetCaller = (method: string, path: string, opts?: WidgetRequest) => Promise<Response>;

/** Until the deal's newest invoice request says the ERP created the invoice. */
export const invoiceCreated = (call: WidgetCaller, leadId: number) =>
  until(async () => {
    const now = await (await call('GET', `/api/v1/leads/${leadId}/invoices`)).json();
    return now.items[0]?.status === 'created';
  }, 'invoice created');

/**
 * Requests an invoice as the card does (the previewed total confirmed, under Idempotency-Key
 * `key`), checks it is accepted (202) and waits until the ERP created it.
 */
export async function requestInvoice(call: WidgetCaller, leadId: number, key: string): Promise<void> {
  const list = await (await call('GET', `/api/v1/leads/${leadId}/invoices`)).json();
  const res = await call('POST', `/api/v1/leads/${leadId}/invoices`, {
    body: { confirmedTotal: list.preview.total },
    key,
  });
  expect(res.status).toBe(202);
  await invoiceCreated(call, leadId);
}
