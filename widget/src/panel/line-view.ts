import type { StockLine, WarehouseStock } from '@erp-bridge/shared';

/** Warehouses shown before "ещё N". */
export const TOP_WAREHOUSES = 3;

export interface LineFacts {
  /** A service line: no stock, no badge. */
  service: boolean;
  /** requested − free, when free is known and falls short; else null. */
  shortfall: number | null;
  /** Free below zero: more is reserved than is on hand (by this much). */
  overReserved: number | null;
  /** On hand and reserved summed over the warehouses that say (null when none does). */
  stock: number | null;
  reserve: number | null;
  /** Warehouses by free stock, unknown last; the first TOP_WAREHOUSES are shown, the rest folded. */
  warehouses: WarehouseStock[];
}

const sum = (values: (number | null | undefined)[]): number | null => {
  const known = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
};

/** What the product block says about one line; every optional contract field may be absent. */
export function lineFacts(line: StockLine): LineFacts {
  const service = line.kind === 'service';
  const free = line.freeTotal;
  const shortfall =
    !service && free !== null && line.requested > free + 1e-9
      ? round3(line.requested - Math.max(free, 0))
      : null;
  const warehouses = [...line.warehouses].sort(
    (a, b) => (b.free ?? Number.NEGATIVE_INFINITY) - (a.free ?? Number.NEGATIVE_INFINITY),
  );
  return {
    service,
    shortfall,
    overReserved: !service && free !== null && free < 0 ? round3(-free) : null,
    stock: sum(line.warehouses.map((w) => w.stock)),
    reserve: sum([...line.warehouses.map((w) => w.reserve), line.unassignedReserve]),
    warehouses,
  };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
