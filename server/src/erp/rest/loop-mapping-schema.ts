import { z } from 'zod';
import { Field, list, Path, Request, single } from './mapping-parts.js';

/**
 * The optional loop blocks of a REST mapping (issue 15): invoice status, order creation with a
 * reserve, order release. A connector has the capability exactly when its mapping has the block.
 * mapping-schema.ts composes them into the whole mapping.
 */
export function loopBlocks() {
  /**
   * First matching rule wins: the value at `path` is one of `values`. An ERP's states rarely sit in
   * one field (Odoo: `state` says cancelled, `payment_state` says paid), so rules may read several.
   */
  const rules = <S extends z.ZodEnum>(state: S) =>
    z
      .array(
        z.strictObject({
          path: Path,
          values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
          state,
        }),
      )
      .min(1);

  const invoiceStatus = z
    .strictObject({
      /** One request for up to `batchSize` invoices: {invoiceIds} (use `|json` or `|number`). */
      request: Request,
      batchSize: z.number().int().positive().default(100),
      response: list({
        id: Field,
        /** The invoice total... */
        sum: Field,
        /** ...and either what is paid or what is still owed (ERPNext outstanding_amount, Odoo amount_residual). */
        paid: Field.optional(),
        outstanding: Field.optional(),
        /** Changes order by it (ERPNext `modified`, Odoo `write_date`): a stale read never wins. */
        version: Field,
        currency: Field.optional(),
      }),
      /** A value no rule names leaves the invoice out (unknown): nothing is changed on a guess. */
      states: rules(z.enum(['issued', 'partially_paid', 'paid', 'cancelled'])),
      /** Where a person opens the invoice ({baseUrl}, {invoiceId}); default createInvoice.link. */
      link: z.string().optional(),
    })
    .refine((s) => !s.response.fields.paid !== !s.response.fields.outstanding, {
      message: 'map exactly one of "paid" or "outstanding"',
      path: ['response', 'fields', 'paid'],
    });

  const OrderFields = { id: Field, number: Field.optional() };

  const createOrder = z.strictObject({
    /**
     * Finds the order a previous attempt created, by the deal's key stored in the order (ERPNext
     * po_no, Odoo client_order_ref): a retry after a lost answer creates no second order.
     */
    lookup: z.strictObject({ request: Request, response: list(OrderFields) }),
    resolveItems: z.boolean().default(true),
    /** JSON template of one position ({sku}, {quantity}, {price}, {itemId}, {name}); the list is {positions}. */
    position: z.unknown().refine((v) => v !== undefined, 'required: the JSON template of one position'),
    request: Request,
    response: single(OrderFields),
    /** Sent with {orderId} after creation, and for a draft a retry found (Odoo: action_confirm). */
    confirm: z.array(Request).optional(),
    /** Reads one order by {orderId}: its number and state (also what releaseOrder checks). */
    fetch: z.strictObject({ request: Request, response: single(OrderFields) }),
    /** draft = created, not yet reserving; reserved = confirmed; released = cancelled. */
    states: rules(z.enum(['draft', 'reserved', 'released'])),
    link: z.string().optional(),
  });

  /** Sent with {orderId}; the order is read before (released already: nothing sent) and after. */
  const releaseOrder = z.strictObject({ requests: z.array(Request).min(1) });

  return {
    invoiceStatus: invoiceStatus.optional(),
    createOrder: createOrder.optional(),
    releaseOrder: releaseOrder.optional(),
  };
}
