import { z } from 'zod';
import { Meta } from './schemas.js';

/**
 * invoiceout as the status read needs it
 * (https://dev.moysklad.ru/doc/api/remap/1.2/documents/#dokumenty-schet-pokupatelu): `sum`,
 * `payedSum` (paid, kopecks), `shippedSum`, `updated` ("YYYY-MM-DD HH:mm:ss.SSS", Moscow) and,
 * with expand=state, the user-defined status's name.
 */
export const InvoiceOut = z.object({
  meta: Meta,
  id: z.string(),
  name: z.string(),
  updated: z.string(),
  sum: z.number(),
  payedSum: z.number().optional(),
  shippedSum: z.number().optional(),
  state: z.object({ name: z.string().optional() }).optional(),
});

/** customerorder (https://dev.moysklad.ru/doc/api/remap/1.2/documents/#dokumenty-zakaz-pokupatelq). */
export const CustomerOrder = z.object({
  meta: Meta,
  id: z.string(),
  name: z.string(),
  externalCode: z.string().optional(),
  reservedSum: z.number().optional(),
});

/** A customer order position: `reserve` is the reserved quantity of that position. */
export const OrderPosition = z.object({
  meta: Meta,
  id: z.string(),
  quantity: z.number(),
  reserve: z.number().optional(),
  assortment: z.object({ meta: Meta }),
});

/**
 * paymentin as the payment webhook needs it: `operations`, the documents it pays, each a link
 * with `linkedSum` (https://dev.moysklad.ru/doc/api/remap/1.2/documents/#dokumenty-vhodqschij-platezh).
 */
export const PaymentIn = z.object({
  id: z.string(),
  operations: z
    .array(
      z.object({
        meta: z.object({ href: z.string(), type: z.string().optional() }),
        linkedSum: z.number().optional(),
      }),
    )
    .optional(),
});
export type PaymentIn = z.infer<typeof PaymentIn>;

/** A registered webhook (https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-vebhuki). */
export const Webhook = z.object({
  id: z.string(),
  url: z.string(),
  action: z.string(),
  entityType: z.string(),
  enabled: z.boolean().optional(),
});
