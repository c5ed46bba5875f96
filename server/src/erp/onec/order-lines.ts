import type { ErpItem, InvoicePosition, StockSnapshot } from '../connector.js';
import { ErpError } from '../connector.js';
import type { OneCOptions } from './options.js';

const round2 = (n: number) => Math.round(n * 100) / 100;

export interface PlannedLine {
  item: ErpItem;
  quantity: number;
  price: number;
  warehouseId: string | null;
  reserve: boolean;
}

/**
 * Splits each position over the warehouses with free stock, most free first: a line per
 * warehouse reserves there (a reserve in 1C is per warehouse), and what no warehouse has left
 * becomes a line that reserves nothing yet, so the order still says what the customer wants.
 */
export function planLines(
  opts: OneCOptions,
  positions: readonly InvoicePosition[],
  items: Map<string, ErpItem>,
  stock: StockSnapshot,
): PlannedLine[] {
  const lines: PlannedLine[] = [];
  for (const p of positions) {
    const sku = p.sku.trim();
    const item = items.get(sku);
    if (!item) throw new ErpError('validation', `1C has no item with article ${p.sku}`);
    const price = p.price ?? item.price;
    if (price && price.currency !== opts.currency)
      throw new ErpError(
        'validation',
        `price of ${p.sku} is in ${price.currency}, the infobase bills in ${opts.currency}`,
      );
    const amount = price?.amount ?? 0;
    const warehouses = [...(stock.items.get(sku)?.warehouses ?? [])].sort(
      (a, b) => (b.free ?? 0) - (a.free ?? 0),
    );
    let left = p.quantity;
    for (const w of warehouses) {
      const take = Math.min(left, Math.max(0, w.free ?? 0));
      if (take <= 0 || item.kind === 'service') continue;
      lines.push({ item, quantity: take, price: amount, warehouseId: w.warehouseId, reserve: true });
      left = Math.round((left - take) * 1e6) / 1e6;
    }
    if (left > 0)
      lines.push({
        item,
        quantity: left,
        price: amount,
        warehouseId: warehouses[0]?.warehouseId ?? null,
        reserve: false,
      });
  }
  return lines;
}

/** The order's Товары rows, by the configured names. */
export function goodsRows(opts: OneCOptions, lines: readonly PlannedLine[]) {
  return lines.map((l) => ({
    Номенклатура_Key: l.item.id,
    Количество: l.quantity,
    Цена: l.price,
    Сумма: round2(l.quantity * l.price),
    ...(l.warehouseId && { [opts.lineWarehouseField]: l.warehouseId }),
    [opts.reserveField]: l.reserve ? opts.reserveValues.reserve : opts.reserveValues.none,
  }));
}
