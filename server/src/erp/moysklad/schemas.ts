import { z } from 'zod';
import { cleanString } from '../../lib/clean-text.js';

/** Only the fields the connector reads; MoySklad sends many more, which are stripped. */
export const Meta = z.object({
  href: cleanString(),
  type: cleanString(),
  mediaType: cleanString().optional(),
  /** The entity's page in MoySklad's UI (every product and service meta carries it). */
  uuidHref: cleanString().optional(),
});
export type Meta = z.infer<typeof Meta>;

export const MetaRef = z.object({ meta: Meta });

export const ListMeta = z.object({
  size: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
  offset: z.number().int().nonnegative(),
  nextHref: cleanString().optional(),
});

export const list = <T extends z.ZodType>(row: T) => z.object({ meta: ListMeta, rows: z.array(row) });

export const SalePrice = z.object({
  value: z.number(),
  priceType: z.object({ name: cleanString() }).optional(),
});

export const Product = z.object({
  meta: Meta,
  id: cleanString(),
  name: cleanString(),
  article: cleanString().optional(),
  code: cleanString().optional(),
  externalCode: cleanString().optional(),
  archived: z.boolean().optional(),
  salePrices: z.array(SalePrice).optional(),
  /** With expand=uom the unit carries its name ("шт", "м"). */
  uom: z.object({ name: cleanString().optional() }).optional(),
});
export type Product = z.infer<typeof Product>;

/** A service: a product without stock, found by code / externalCode (it has no article). */
export const Service = Product.omit({ article: true });
export type Service = z.infer<typeof Service>;

export const Store = z.object({ meta: Meta, id: cleanString(), name: cleanString() });

export const Organization = z.object({ meta: Meta, id: cleanString(), name: cleanString() });

/**
 * /report/stock/bystore/current?stockType=<type>: a plain array, not a paged list. `storeId` is null
 * on the row of reserve (or in-transit) tied to no store; quantities may be fractional.
 */
export const StoreStockReport = <T extends string>(stockType: T) =>
  z.array(
    z.object({ assortmentId: cleanString(), storeId: cleanString().nullable() }).extend({
      [stockType]: z.number(),
    } as Record<T, z.ZodNumber>),
  );

export const Counterparty = z.object({
  meta: Meta,
  id: cleanString(),
  name: cleanString(),
  inn: cleanString().optional(),
  phone: cleanString().optional(),
  email: cleanString().optional(),
});
export type Counterparty = z.infer<typeof Counterparty>;

export const CounterpartyReport = z.object({
  counterparty: MetaRef,
  /** Kopecks. */
  balance: z.number().optional(),
  demandsCount: z.number().optional(),
  demandsSum: z.number().optional(),
  lastDemandDate: cleanString().optional(),
});

export const Document = z.object({
  meta: Meta,
  id: cleanString(),
  name: cleanString(),
  moment: cleanString(),
  created: cleanString().optional(),
  /** Kopecks. */
  sum: z.number(),
  externalCode: cleanString().optional(),
  /** With expand=state the status carries its name. */
  state: z.object({ name: cleanString().optional() }).optional(),
});
export type Document = z.infer<typeof Document>;

export const ErrorBody = z.object({
  errors: z.array(z.object({ error: cleanString().optional(), code: z.number().optional() })).min(1),
});
