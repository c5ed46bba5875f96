import { computeAvailability, type StockReport } from '@erp-bridge/shared';
import { AmoApiError, type AmoClient, amoUnavailable } from '../amocrm/client.js';
import { type ProductFieldCodes, readLeadLines } from '../amocrm/lead-products.js';
import type { ErpItemStock } from '../erp/connector.js';
import type { ResilientErp } from '../erp/resilient.js';
import { HttpProblem } from '../http/problem.js';

export interface LeadStockDeps {
  amo: Pick<AmoClient, 'getLead' | 'getCatalogElements'>;
  erp: Pick<ResilientErp, 'getStock' | 'kind'>;
  codes: ProductFieldCodes;
  currency: string;
}

/** Flow 1 of the architecture: the deal's lines from amoCRM, free stock from the ERP, the verdict from shared/. */
export async function buildLeadStockReport(deps: LeadStockDeps, leadId: number): Promise<StockReport> {
  let lines: Awaited<ReturnType<typeof readLeadLines>>;
  try {
    lines = await readLeadLines(deps.amo, leadId, deps.codes, deps.currency);
  } catch (err) {
    if (err instanceof AmoApiError) throw amoUnavailable(err);
    throw err;
  }
  if (lines === null)
    throw new HttpProblem(
      404,
      'request.not_found',
      'Deal not found',
      `amoCRM has no deal with id ${leadId}.`,
    );

  const skus = lines.flatMap((l) => (l.sku ? [l.sku] : []));
  let stock: Awaited<ReturnType<ResilientErp['getStock']>>;
  try {
    stock = await deps.erp.getStock(skus);
  } catch (err) {
    throw new HttpProblem(502, 'erp.unavailable', 'The ERP is unavailable', (err as Error).message);
  }

  const snapshot = stock.value;
  const stockBySku = new Map([...snapshot.items].map(([sku, item]) => [sku, item.warehouses]));
  const verdict = computeAvailability(
    lines.map((l) => ({ ...l, price: erpPrice(l.sku ? snapshot.items.get(l.sku) : undefined) ?? l.price })),
    stockBySku,
  );
  return {
    leadId,
    status: verdict.status,
    lines: verdict.lines,
    asOf: stock.asOf.toISOString(),
    stale: stock.stale,
    source: deps.erp.kind,
  };
}

/** The ERP is the source of truth for prices; amoCRM's catalog price is the fallback. */
function erpPrice(item: ErpItemStock | undefined) {
  return item?.price ?? undefined;
}
