import type {
  InvoiceList,
  InvoicePositionView,
  InvoiceSkippedLine,
  Money,
  StockLine,
} from '@erp-bridge/shared';
import type { Installation } from '../amocrm/installations.js';
import type { LeadWithLines } from '../amocrm/lead-products.js';
import type { ErpRegistry } from '../erp/registry.js';
import type { AccountSettingsStore } from '../settings/account-settings.js';
import { availabilityOf, skusOf } from '../stock/lead-stock.js';

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Which deal lines the ERP invoice holds. A line needs an ERP item (an SKU: a product or an ERP
 * service, invoiced with its price like a product) and a price. A service with no SKU has no ERP
 * counterpart, so it cannot be placed in the invoice: it is listed as skipped, never a block, and
 * left out of the total the user confirms (which must equal the invoice the ERP will hold).
 */
export function invoiceLines(lines: readonly StockLine[]): {
  positions: InvoicePositionView[];
  skipped: InvoiceSkippedLine[];
} {
  const positions: InvoicePositionView[] = [];
  const skipped: InvoiceSkippedLine[] = [];
  for (const l of lines) {
    if (!(l.requested > 0)) continue;
    if (l.sku && l.price) {
      const total = { amount: round2(l.price.amount * l.requested), currency: l.price.currency };
      positions.push({ sku: l.sku, name: l.name, quantity: l.requested, price: l.price, total });
    } else {
      const reason = l.sku ? 'no_price' : 'no_erp_item';
      skipped.push({ name: l.name, sku: l.sku, quantity: l.requested, price: l.price, reason });
    }
  }
  return { positions, skipped };
}

/** Why the deal may not be invoiced now, most fundamental first; null = it may. */
export function invoiceBlockReason(input: {
  allowed: boolean;
  erpDown: boolean;
  preview: { positions: unknown[]; status: string } | null;
  items: readonly { status: string }[];
}): InvoiceList['blockedBy'] {
  const { allowed, erpDown, preview: p, items } = input;
  if (!allowed) return 'no_permission';
  // Without the ERP nothing is known about the products: never say "the deal has no products".
  if (erpDown || !p) return 'erp_unavailable';
  if (p.positions.length === 0) return 'no_products';
  if (p.status === 'short') return 'stock_short';
  if (p.status === 'unknown') return 'stock_unknown';
  if (items.some((r) => r.status === 'pending')) return 'pending';
  return null;
}

export interface PreviewDeps {
  erp: Pick<ErpRegistry, 'forAccount'>;
  settings: AccountSettingsStore;
}

export type InvoicePreview = Awaited<ReturnType<ReturnType<typeof invoicePreview>>>;

/** The deal's positions priced, and whether its stock covers them (the confirm step and the job). */
export function invoicePreview(deps: PreviewDeps) {
  return async (inst: Installation, deal: LeadWithLines) => {
    const erp = await deps.erp.forAccount(inst.accountId);
    const stock = await erp.getStock(skusOf(deal.lines));
    const { warehouseIds } = (await deps.settings.get(inst.accountId)).guard;
    const availability = availabilityOf(deal.lines, stock.value, warehouseIds ?? undefined);
    const { positions, skipped } = invoiceLines(availability.lines);
    const currency = positions[0]?.price.currency ?? 'RUB';
    const total: Money = { amount: round2(positions.reduce((s, p) => s + p.total.amount, 0)), currency };
    return { positions, skipped, total, status: availability.status, stale: stock.stale };
  };
}
