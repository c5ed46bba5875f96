import { z } from 'zod';
import { Stage } from './guard.js';
import { Money } from './stock.js';

/**
 * Issue 15, "the ERP talks back": what the admin maps (settings section `loop`) and what the deal
 * card shows (GET /api/v1/leads/:id/erp-loop).
 */
export const ErpLoopSettings = z.object({
  /** An invoice paid in full moves the deal here (e.g. "Оплачено"); null = no move. */
  paidStage: Stage.nullable().default(null),
  /** A cancelled invoice tags the deal with this; null = no tag. */
  cancelledTag: z.string().trim().min(1).max(64).nullable().default(null),
  /** Reaching this stage creates a customer order reserving the deal's products; null = never. */
  reserveStage: Stage.nullable().default(null),
  /** The reserve is released when the deal is lost (status 143) and at these stages. */
  releaseOnLost: z.boolean().default(true),
  releaseStages: z.array(Stage).max(50).default([]),
  /** The reserve is kept for shipment when the deal is won (142) and at these stages. */
  keepStages: z.array(Stage).max(50).default([]),
});
export type ErpLoopSettings = z.infer<typeof ErpLoopSettings>;

export const InvoiceLoopState = z.enum(['issued', 'partially_paid', 'paid', 'cancelled']);
export type InvoiceLoopState = z.infer<typeof InvoiceLoopState>;

export const ErpLoopInvoice = z.object({
  requestId: z.string(),
  number: z.string().nullable(),
  state: InvoiceLoopState,
  sum: Money,
  paidSum: Money,
  link: z.string().nullable(),
  /** ISO 8601: when erp-bridge last saw the ERP's answer. */
  checkedAt: z.string(),
});
export type ErpLoopInvoice = z.infer<typeof ErpLoopInvoice>;

export const ErpLoopOrderStatus = z.enum(['pending', 'reserved', 'releasing', 'released', 'kept', 'failed']);

export const ErpLoopOrder = z.object({
  status: ErpLoopOrderStatus,
  number: z.string().nullable(),
  link: z.string().nullable(),
  /** SKU -> quantity reserved for this deal. */
  reserved: z.record(z.string(), z.number()),
});
export type ErpLoopOrder = z.infer<typeof ErpLoopOrder>;

/** GET /api/v1/leads/:id/erp-loop */
export const ErpLoopView = z.object({
  order: ErpLoopOrder.nullable(),
  invoices: z.array(ErpLoopInvoice),
  /** What the account's ERP can do: the card hides what it cannot. */
  capabilities: z.object({ invoiceStatus: z.boolean(), orders: z.boolean() }),
});
export type ErpLoopView = z.infer<typeof ErpLoopView>;
