import { z } from 'zod';
import { cleanString } from '../../lib/clean-text.js';
import { GUID_RE } from './odata.js';

/**
 * Every 1C answer is checked before a figure leaves the connector: a wrong shape is an error,
 * never a wrong number. Property names come from options (Cyrillic, configuration-specific), so
 * each schema is built for them and normalises rows into fixed English names.
 */
export const guidSchema = cleanString().regex(GUID_RE, 'not a GUID');
export const localDate = cleanString().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/, 'not a 1C date');

export const collection = <T extends z.ZodType>(row: T) => z.object({ value: z.array(row) });

/** A row with the given properties; the output is read through `pick`, which only sees validated data. */
function rowOf<T>(shape: Record<string, z.ZodType>, pick: (r: Record<string, unknown>) => T) {
  return z.looseObject(shape).transform((r) => pick(r as Record<string, unknown>));
}

export interface ItemRow {
  id: string;
  name: string;
  sku: string;
  /** The type field's value (an enumeration value's name, or BP's boolean), when it is read. */
  type?: string | boolean | null;
}
export const itemRow = (skuField: string, typeField: string | null = null) =>
  rowOf<ItemRow>(
    {
      Ref_Key: guidSchema,
      Description: cleanString(),
      [skuField]: cleanString(),
      ...(typeField ? { [typeField]: z.union([cleanString(), z.boolean()]).nullish() } : {}),
    },
    (r) => ({
      id: r.Ref_Key as string,
      name: r.Description as string,
      sku: r[skuField] as string,
      ...(typeField && { type: r[typeField] as string | boolean | null | undefined }),
    }),
  );

export interface PriceRow {
  itemId: string;
  price: number;
}
export const priceRow = (itemDimension: string, column: string) =>
  rowOf<PriceRow>({ [itemDimension]: guidSchema, [column]: z.number() }, (r) => ({
    itemId: r[itemDimension] as string,
    price: r[column] as number,
  }));

export interface BalanceRow {
  itemId: string;
  warehouseId: string;
  onHand: number;
  reserve: number;
}
export const balanceRow = (
  dims: { item: string; warehouse: string },
  cols: { onHand: string; reserve: string | null },
) =>
  rowOf<BalanceRow>(
    {
      [dims.item]: guidSchema,
      [dims.warehouse]: guidSchema,
      [cols.onHand]: z.number(),
      ...(cols.reserve ? { [cols.reserve]: z.number() } : {}),
    },
    (r) => ({
      itemId: r[dims.item] as string,
      warehouseId: r[dims.warehouse] as string,
      onHand: r[cols.onHand] as number,
      reserve: cols.reserve ? (r[cols.reserve] as number) : 0,
    }),
  );

export const warehouseRow = z
  .looseObject({ Ref_Key: guidSchema, Description: cleanString(), DeletionMark: z.boolean() })
  .transform((r) => ({ id: r.Ref_Key, name: r.Description, deleted: r.DeletionMark }));

/** A row of the customer catalog's contact information section, published as its own entity set. */
export const contactRow = z
  .looseObject({ Ref_Key: guidSchema, Тип: cleanString(), Представление: cleanString() })
  .transform((r) => ({ ownerId: r.Ref_Key, type: r.Тип, text: r.Представление }));

export interface CustomerRow {
  id: string;
  name: string;
  inn: string | null;
  contacts: { type: string; text: string }[];
}
export const customerRow = (innField: string, section: string) =>
  rowOf<CustomerRow>(
    {
      Ref_Key: guidSchema,
      Description: cleanString(),
      [innField]: cleanString().nullable().optional(),
      [section]: z.array(z.looseObject({ Тип: cleanString(), Представление: cleanString() })).optional(),
    },
    (r) => ({
      id: r.Ref_Key as string,
      name: r.Description as string,
      inn: (r[innField] as string | null | undefined) || null,
      contacts: ((r[section] ?? []) as { Тип: string; Представление: string }[]).map((c) => ({
        type: c.Тип,
        text: c.Представление,
      })),
    }),
  );

export interface DocumentRow {
  id: string;
  number: string;
  date: string;
  sum: number;
  posted: boolean;
  marker: string;
}
export const documentRow = (sumField: string, markerField?: string) =>
  rowOf<DocumentRow>(
    {
      Ref_Key: guidSchema,
      Number: cleanString(),
      Date: localDate,
      Posted: z.boolean(),
      [sumField]: z.number(),
      ...(markerField ? { [markerField]: cleanString() } : {}),
    },
    (r) => ({
      id: r.Ref_Key as string,
      number: r.Number as string,
      date: r.Date as string,
      sum: r[sumField] as number,
      posted: r.Posted as boolean,
      marker: markerField ? (r[markerField] as string) : '',
    }),
  );

export const settlementRow = (column: string) =>
  rowOf<{ amount: number }>({ [column]: z.number() }, (r) => ({ amount: r[column] as number }));
