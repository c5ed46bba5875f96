import type { Availability, ReportStatus, StockLine, WarehouseStock } from './stock.js';

export interface DealLineInput {
  elementId: number;
  sku: string | null;
  name: string;
  quantity: number;
  price: StockLine['price'];
}

/** Stock the ERP reported per SKU; a SKU absent from the map is unknown, not zero. */
export type StockBySku = ReadonlyMap<string, readonly WarehouseStock[]>;

export interface AvailabilityRule {
  /** Only these warehouses count; undefined = all. */
  warehouseIds?: readonly string[];
}

// Quantities may be fractional (kg, m); sums like 0.1 + 0.2 must not turn "exactly enough" into short.
const EPSILON = 1e-9;

/**
 * Decides, per deal line, whether the free stock covers what the deal asks for.
 * Lines with the same SKU share one pool of stock, so demand is summed per SKU first.
 */
export function computeAvailability(
  lines: readonly DealLineInput[],
  stock: StockBySku,
  rule: AvailabilityRule = {},
): { status: ReportStatus; lines: StockLine[] } {
  const demandBySku = new Map<string, number>();
  for (const line of lines) {
    if (line.sku === null) continue;
    demandBySku.set(line.sku, (demandBySku.get(line.sku) ?? 0) + line.quantity);
  }

  const result = lines.map((line): StockLine => {
    const all = line.sku === null ? undefined : stock.get(line.sku);
    const considered = all?.filter(
      (w) => rule.warehouseIds === undefined || rule.warehouseIds.includes(w.warehouseId),
    );
    const known = considered?.filter((w) => w.free !== null) ?? [];
    const freeTotal = known.length === 0 ? null : known.reduce((sum, w) => sum + (w.free ?? 0), 0);
    const demand = line.sku === null ? line.quantity : (demandBySku.get(line.sku) ?? 0);
    const someUnknown = considered === undefined || known.length < considered.length;
    return {
      elementId: line.elementId,
      sku: line.sku,
      name: line.name,
      requested: line.quantity,
      price: line.price,
      warehouses: all ? [...all] : [],
      freeTotal,
      status: lineStatus(demand, freeTotal, someUnknown),
    };
  });

  return { status: reportStatus(result.map((l) => l.status)), lines: result };
}

function lineStatus(demand: number, freeTotal: number | null, someUnknown: boolean): Availability {
  if (demand <= EPSILON) return 'ok';
  if (freeTotal !== null && freeTotal + EPSILON >= demand) return 'ok';
  // Known stock falls short, but a warehouse we know nothing about might still cover it.
  return someUnknown ? 'unknown' : 'short';
}

function reportStatus(statuses: readonly Availability[]): ReportStatus {
  if (statuses.length === 0) return 'empty';
  if (statuses.includes('short')) return 'short';
  if (statuses.includes('unknown')) return 'unknown';
  return 'ok';
}
