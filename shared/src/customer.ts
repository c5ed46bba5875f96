import { z } from 'zod';
import { Money } from './stock.js';

export const CustomerRef = z.object({
  id: z.string(),
  name: z.string(),
  inn: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
});
export type CustomerRef = z.infer<typeof CustomerRef>;

export const ErpDocumentView = z.object({
  id: z.string(),
  number: z.string(),
  date: z.string(),
  sum: Money,
  status: z.string().nullable(),
});

export const SectionState = z.enum(['ok', 'unavailable']);
export type SectionState = z.infer<typeof SectionState>;

export const CustomerSummaryView = z.object({
  customer: CustomerRef,
  /** Positive = credit, negative = the customer owes us; null when the ERP does not say. */
  balance: Money.nullable(),
  recentOrders: z.array(ErpDocumentView),
  recentInvoices: z.array(ErpDocumentView),
  link: z.string().nullable(),
  /**
   * Which parts the ERP could not give this time (the customer was found): the card shows the rest
   * and marks only these unavailable. Absent = all available.
   */
  sections: z
    .object({
      balance: SectionState,
      orders: SectionState,
      invoices: SectionState,
    })
    .partial()
    .optional(),
});
export type CustomerSummaryView = z.infer<typeof CustomerSummaryView>;

export const LookupKey = z.enum(['inn', 'phone', 'email']);
export type LookupKey = z.infer<typeof LookupKey>;

/** GET /api/v1/contacts/:id/summary and /api/v1/companies/:id/summary */
export const CustomerPanel = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('found'),
    matchedBy: LookupKey.nullable(),
    summary: CustomerSummaryView,
    asOf: z.string(),
    stale: z.boolean(),
  }),
  z.object({ status: z.literal('several'), matchedBy: LookupKey, candidates: z.array(CustomerRef) }),
  z.object({
    status: z.literal('not_found'),
    searched: z.array(z.object({ key: LookupKey, value: z.string() })),
  }),
]);
export type CustomerPanel = z.infer<typeof CustomerPanel>;

/** POST /api/v1/contacts/:id/customer — remember which ERP customer this card is. */
export const CustomerChoice = z.object({ customerId: z.string().min(1).max(100) });
export type CustomerChoice = z.infer<typeof CustomerChoice>;
