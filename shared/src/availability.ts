import type { Availability, ReportStatus, StockLine, WarehouseStock } from './stock.js';

export interface DealLineInput {
  elementId: number;
  sku: string | null;
  name: string;
  quantity: number;
  price: StockLine['price'];
  /** A service line (amoCRM element without an SKU, or a service in the ERP): no stock to check. */
  kind?: 'product' | 'service';
}

/** What the ERP says about an SKU beyond its warehouses. */
export interface SkuDetails {
  kind?: 'product' | 'service';
  unit?: string | null;
  link?: string | null;
  /** Reserve tied to no warehouse: lowers the total free stock (MoySklad's `storeId: null` row). */
  unassignedReserve?: number | null;
  inTransit?: number | null;
  /**
   * Reserve held by the deal's own customer order (issue 15): the ERP counts it out of free stock,
   * but it is this deal's stock, so it is given back to the deal rather than making it short.
   */
  ownReserve?: number | null;
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
  details: ReadonlyMap<string, SkuDetails> = new Map(),
): { status: ReportStatus; lines: StockLine[] } {
  const isService = (line: DealLineInput) =>
    line.kind === 'service' || (line.sku !== null && details.get(line.sku)?.kind === 'service');
  const demandBySku = new Map<string, number>();
  for (const line of lines) {
    if (line.sku === null || isService(line)) continue;
    demandBySku.set(line.sku, (demandBySku.get(line.sku) ?? 0) + line.quantity);
  }

  const result = lines.map((line): StockLine => {
    const detail = line.sku === null ? undefined : details.get(line.sku);
    const extras = {
      ...(detail?.unit != null && { unit: detail.unit }),
      ...(detail?.link != null && { link: detail.link }),
    };
    const head = {
      elementId: line.elementId,
      sku: line.sku,
      name: line.name,
      requested: line.quantity,
      price: line.price,
    };
    // Services are sold, not stocked: never unknown, never short, never blocking.
    if (isService(line)) {
      return {
        ...head,
        warehouses: [],
        freeTotal: null,
        status: 'ok',
        kind: 'service',
        ...extras,
      };
    }
    const all = line.sku === null ? undefined : stock.get(line.sku);
    const considered = all?.filter(
      (w) => rule.warehouseIds === undefined || rule.warehouseIds.includes(w.warehouseId),
    );
    const known = considered?.filter((w) => w.free !== null) ?? [];
    const unassigned = detail?.unassignedReserve ?? 0;
    const freeTotal =
      known.length === 0
        ? null
        : known.reduce((sum, w) => sum + (w.free ?? 0), 0) - unassigned + (detail?.ownReserve ?? 0);
    const demand = line.sku === null ? line.quantity : (demandBySku.get(line.sku) ?? 0);
    const someUnknown = considered === undefined || known.length < considered.length;
    return {
      ...head,
      warehouses: all ? [...all] : [],
      freeTotal,
      status: lineStatus(demand, freeTotal, someUnknown),
      ...extras,
      ...(detail?.unassignedReserve ? { unassignedReserve: detail.unassignedReserve } : {}),
      ...(detail?.inTransit != null && { inTransit: detail.inTransit }),
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
