import { z } from 'zod';

/** Only the fields the connector reads; MoySklad sends many more, which are stripped. */
export const Meta = z.object({
  href: z.string(),
  type: z.string(),
  mediaType: z.string().optional(),
});
export type Meta = z.infer<typeof Meta>;

export const MetaRef = z.object({ meta: Meta });

export const ListMeta = z.object({
  size: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
  offset: z.number().int().nonnegative(),
  nextHref: z.string().optional(),
});

export const list = <T extends z.ZodType>(row: T) => z.object({ meta: ListMeta, rows: z.array(row) });

export const SalePrice = z.object({
  value: z.number(),
  priceType: z.object({ name: z.string() }).optional(),
});

export const Product = z.object({
  meta: Meta,
  id: z.string(),
  name: z.string(),
  article: z.string().optional(),
  code: z.string().optional(),
  externalCode: z.string().optional(),
  archived: z.boolean().optional(),
  salePrices: z.array(SalePrice).optional(),
});
export type Product = z.infer<typeof Product>;

export const Store = z.object({ meta: Meta, id: z.string(), name: z.string() });

export const Organization = z.object({ meta: Meta, id: z.string(), name: z.string() });

/** /report/stock/bystore/current?stockType=freeStock: a plain array, not a paged list. */
export const FreeStockReport = z.array(
  z.object({ assortmentId: z.string(), storeId: z.string(), freeStock: z.number() }),
);

export const Counterparty = z.object({
  meta: Meta,
  id: z.string(),
  name: z.string(),
  inn: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
});
export type Counterparty = z.infer<typeof Counterparty>;

export const CounterpartyReport = z.object({
  counterparty: MetaRef,
  /** Kopecks. */
  balance: z.number().optional(),
  demandsCount: z.number().optional(),
  demandsSum: z.number().optional(),
  lastDemandDate: z.string().optional(),
});

export const Document = z.object({
  meta: Meta,
  id: z.string(),
  name: z.string(),
  moment: z.string(),
  created: z.string().optional(),
  /** Kopecks. */
  sum: z.number(),
  externalCode: z.string().optional(),
  /** With expand=state the status carries its name. */
  state: z.object({ name: z.string().optional() }).optional(),
});
export type Document = z.infer<typeof Document>;

export const ErrorBody = z.object({
  errors: z.array(z.object({ error: z.string().optional(), code: z.number().optional() })).min(1),
});
