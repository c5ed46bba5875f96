import { z } from 'zod';
import { Money } from './stock.js';

export const InvoiceStatus = z.enum(['pending', 'created', 'failed']);
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;

export const InvoicePositionView = z.object({
  sku: z.string(),
  name: z.string(),
  quantity: z.number().positive(),
  price: Money,
  total: Money,
});
export type InvoicePositionView = z.infer<typeof InvoicePositionView>;

/**
 * A deal line the ERP invoice cannot hold, shown in the confirm step so the total is not a surprise:
 * `no_erp_item` = a service with no SKU (no ERP counterpart), `no_price` = no price in the ERP or amoCRM.
 */
export const InvoiceSkippedLine = z.object({
  name: z.string(),
  sku: z.string().nullable(),
  quantity: z.number(),
  price: Money.nullable(),
  reason: z.enum(['no_erp_item', 'no_price']),
});
export type InvoiceSkippedLine = z.infer<typeof InvoiceSkippedLine>;

/** POST /api/v1/leads/:id/invoices body; the Idempotency-Key header names the request. */
export const InvoiceRequestInput = z.object({
  /** The ERP customer the invoice is for (from the contact/company panel); else found by the deal's contact. */
  customerId: z.string().min(1).max(100).optional(),
  comment: z.string().max(500).optional(),
  /** Total the user confirmed; a deal changed since then is refused rather than invoiced differently. */
  confirmedTotal: Money.optional(),
});
export type InvoiceRequestInput = z.infer<typeof InvoiceRequestInput>;

export const InvoiceRequest = z.object({
  id: z.string(),
  leadId: z.number().int(),
  status: InvoiceStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
  attempts: z.number().int().nonnegative(),
  positions: z.array(InvoicePositionView),
  total: Money,
  invoice: z
    .object({ id: z.string(), number: z.string(), sum: Money, link: z.string().nullable() })
    .nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type InvoiceRequest = z.infer<typeof InvoiceRequest>;

/**
 * Why the deal may not be invoiced now. No customer is not among them: the customer is looked up
 * only when an invoice is requested (refused with invoice.no_customer), not on every poll of the list.
 */
export const InvoiceBlockReason = z.enum([
  'stock_short',
  'no_permission',
  'no_products',
  'pending',
  'stock_unknown',
  'erp_unavailable',
]);

/** GET /api/v1/leads/:id/invoices */
export const InvoiceList = z.object({
  items: z.array(InvoiceRequest),
  canRequest: z.boolean(),
  blockedBy: InvoiceBlockReason.nullable(),
  /** What the confirm step shows. */
  preview: z
    .object({
      positions: z.array(InvoicePositionView),
      total: Money,
      /** Lines of the deal that the ERP invoice will not hold (the total leaves them out). */
      skipped: z.array(InvoiceSkippedLine).optional(),
    })
    .nullable(),
  /** True when the ERP is down and the preview rests on the last known stock (the widget warns). */
  stale: z.boolean().optional(),
});
export type InvoiceList = z.infer<typeof InvoiceList>;

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
