import { z } from 'zod';

/** Free stock of one item in one warehouse. `free: null` = the ERP did not say (never read as 0). */
export const WarehouseStock = z.object({
  warehouseId: z.string(),
  warehouseName: z.string(),
  free: z.number().nullable(),
  /** On hand, reserved and on the way, where the ERP gives them (MoySklad: stock, reserve, inTransit). */
  stock: z.number().nullable().optional(),
  reserve: z.number().nullable().optional(),
  inTransit: z.number().nullable().optional(),
});
export type WarehouseStock = z.infer<typeof WarehouseStock>;

export const Availability = z.enum(['ok', 'short', 'unknown']);
export type Availability = z.infer<typeof Availability>;

export const Money = z.object({ amount: z.number(), currency: z.string().length(3) });
export type Money = z.infer<typeof Money>;

export const StockLine = z.object({
  /** amoCRM catalog element id of the product on the deal. */
  elementId: z.number().int(),
  sku: z.string().nullable(),
  name: z.string(),
  requested: z.number().nonnegative(),
  price: Money.nullable(),
  warehouses: z.array(WarehouseStock),
  /** Sum of known free stock over the warehouses the rule considers; null when none is known. */
  freeTotal: z.number().nullable(),
  status: Availability,
  /** `service` lines (no SKU, or a service in the ERP) are not stock lines: never unknown, never short. */
  kind: z.enum(['product', 'service']).optional(),
  /** Unit of measure from the ERP or the catalog (шт., м, пар, кг). */
  unit: z.string().nullable().optional(),
  /** Reserve not bound to any warehouse (MoySklad's `storeId: null` row); already counted in freeTotal. */
  unassignedReserve: z.number().nullable().optional(),
  /** Total on the way, and the earliest expected arrival (ISO 8601) where the ERP knows it. */
  inTransit: z.number().nullable().optional(),
  expectedAt: z.string().nullable().optional(),
  /** Where a person opens this item in the ERP's own UI. */
  link: z.string().nullable().optional(),
});
export type StockLine = z.infer<typeof StockLine>;

export const ReportStatus = z.enum(['ok', 'short', 'unknown', 'empty']);
export type ReportStatus = z.infer<typeof ReportStatus>;

/** GET /api/v1/leads/:id/stock */
export const StockReport = z.object({
  leadId: z.number().int().positive(),
  status: ReportStatus,
  lines: z.array(StockLine),
  /** When the stock figures were read from the ERP (ISO 8601). */
  asOf: z.string(),
  /** True when the ERP could not be reached and these are the last known figures. */
  stale: z.boolean(),
  source: z.string(),
});
export type StockReport = z.infer<typeof StockReport>;

export const LeadIdParam = z.object({ id: z.coerce.number().int().positive() });
