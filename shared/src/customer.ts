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

/** What "create the customer in the ERP" would send: the card's name and first identifiers. */
export const CustomerDraft = z.object({
  name: z.string(),
  inn: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
});
export type CustomerDraft = z.infer<typeof CustomerDraft>;

/** GET /api/v1/contacts/:id/summary and /api/v1/companies/:id/summary */
const Searched = z.array(z.object({ key: LookupKey, value: z.string() }));

export const CustomerPanel = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('found'),
    matchedBy: LookupKey.nullable(),
    summary: CustomerSummaryView,
    asOf: z.string(),
    stale: z.boolean(),
    /** A person picked this customer for the card ("not this customer" undoes it). */
    chosen: z.boolean().optional(),
    /** Found through the contact's company: the contact itself matched nobody (what was searched). */
    via: z.object({ entity: z.literal('companies'), id: z.number().int(), name: z.string() }).optional(),
    searched: Searched.optional(),
  }),
  z.object({ status: z.literal('several'), matchedBy: LookupKey, candidates: z.array(CustomerRef) }),
  z.object({
    status: z.literal('not_found'),
    searched: Searched,
    /** The ERP can be searched by name or INN (GET /api/v1/customers/search). */
    canSearch: z.boolean().optional(),
    /** The ERP can create the customer from the card (POST /api/v1/:entity/:id/customer/create). */
    canCreate: z.boolean().optional(),
    /** What that creation would send. */
    draft: CustomerDraft.optional(),
  }),
]);
export type CustomerPanel = z.infer<typeof CustomerPanel>;

/** POST /api/v1/contacts/:id/customer — remember which ERP customer this card is. */
export const CustomerChoice = z.object({ customerId: z.string().min(1).max(100) });
export type CustomerChoice = z.infer<typeof CustomerChoice>;

/** GET /api/v1/customers/search?q= — ERP customers by name or INN, for a card nobody matched. */
export const CustomerSearchQuery = z.object({ q: z.string().trim().min(2).max(100) });
export const CustomerSearchResult = z.object({ items: z.array(CustomerRef) });
export type CustomerSearchResult = z.infer<typeof CustomerSearchResult>;
