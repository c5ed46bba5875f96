import {
  computeAvailability,
  type DealLineInput,
  type SkuDetails,
  type StockReport,
} from '@erp-bridge/shared';
import { AmoApiError, amoUnavailable } from '../amocrm/errors.js';
import type { LeadReader } from '../amocrm/lead-products.js';
import { WidgetLaneFull } from '../amocrm/rate-limit.js';
import type { ErpItemStock, StockSnapshot } from '../erp/connector.js';
import type { ResilientErp } from '../erp/resilient.js';
import { DomainError } from '../errors.js';

export interface LeadStockDeps {
  leads: Pick<LeadReader, 'read'>;
  erp: Pick<ResilientErp, 'getStock' | 'kind'> & Partial<Pick<ResilientErp, 'forgetStock'>>;
  /** Only these warehouses count (the guard's rule); undefined = all. */
  warehouseIds?: readonly string[];
}

/** The card's request was abandoned: nobody reads this answer, and no more work is done for it. */
const cancelled = () =>
  new DomainError('request.cancelled', 'The client closed the request.', { title: 'Request cancelled' });

/** Card reads already fill amoCRM's budget for them: a quick 429 beats a card waiting many seconds. */
const cardReadsBusy = (retryAfterMs: number) =>
  new DomainError(
    'request.rate_limited',
    'Too many cards are being read from amoCRM at once; try again in a moment.',
    {
      title: 'Too many requests',
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
    },
  );

/**
 * The card-panel flow (flow 1 in docs/architecture.md): the deal's lines from amoCRM, free stock from the ERP, the verdict
 * from shared/. A card's read runs in amoCRM's widget lane and stops when `signal` fires (the
 * browser went away): no amoCRM or ERP call is made for an answer nobody waits for. `refresh`
 * ("↻" in the panel) reads this deal's stock from the ERP again instead of the short cache.
 */
export async function buildLeadStockReport(
  deps: LeadStockDeps,
  leadId: number,
  call: { signal?: AbortSignal; refresh?: boolean } = {},
): Promise<Readonly<StockReport>> {
  const { signal } = call;
  let deal: Awaited<ReturnType<LeadReader['read']>>;
  try {
    deal = await deps.leads.read(leadId, { lane: 'widget', signal });
  } catch (err) {
    if (signal?.aborted) throw cancelled();
    if (err instanceof AmoApiError) throw amoUnavailable(err);
    if (err instanceof WidgetLaneFull) throw cardReadsBusy(err.retryAfterMs);
    throw err;
  }
  if (deal === null)
    throw new DomainError('amocrm.lead_not_found', `amoCRM has no deal with id ${leadId}.`, {
      title: 'Deal not found',
    });

  let stock: Awaited<ReturnType<ResilientErp['getStock']>>;
  const skus = skusOf(deal.lines);
  // "↻" in the panel: this deal's stock is read from the ERP again, not from the short cache.
  if (call.refresh) deps.erp.forgetStock?.(skus);
  try {
    stock = await deps.erp.getStock(skus, { signal });
  } catch (err) {
    if (signal?.aborted) throw cancelled();
    throw new DomainError('erp.unavailable', (err as Error).message, { title: 'The ERP is unavailable' });
  }
  const verdict = cardVerdict(deal.lines, stock.value, deps.warehouseIds);
  return cardReport(verdict, {
    leadId,
    asOf: stock.asOf.toISOString(),
    stale: stock.stale,
    source: deps.erp.kind,
  });
}

type ReportHead = Pick<StockReport, 'leadId' | 'asOf' | 'stale' | 'source'>;
const reports = new WeakMap<Verdict, Readonly<StockReport>>();

/**
 * The same report object for the same verdict and head, so a burst of card reads of one deal is
 * also serialized once (http/json-bytes.ts keeps the bytes per report object). Held as
 * weakly as the verdict it wraps. Callers must not change it: it is shared.
 */
function cardReport(verdict: Verdict, head: ReportHead): Readonly<StockReport> {
  const known = reports.get(verdict);
  if (
    known &&
    known.leadId === head.leadId &&
    known.asOf === head.asOf &&
    known.stale === head.stale &&
    known.source === head.source
  )
    return known;
  const report = {
    leadId: head.leadId,
    status: verdict.status,
    lines: verdict.lines,
    asOf: head.asOf,
    stale: head.stale,
    source: head.source,
  };
  reports.set(verdict, report);
  return report;
}

type Verdict = ReturnType<typeof availabilityOf>;
const verdicts = new WeakMap<
  StockSnapshot,
  WeakMap<readonly DealLineInput[], { warehouseIds?: readonly string[]; verdict: Verdict }>
>();

/**
 * The card's verdict, computed once per (stock snapshot, deal lines, warehouses): the snapshot is
 * the ERP cache's object and the lines the deal cache's, so a burst of card reads of one deal
 * shares one computation (it was about 5 % of a warm card read's CPU) instead of one per request.
 * Held weakly: an entry lives no longer than the cached snapshot and deal it was made from (both
 * caches are bounded), and a new read of either is a new key.
 */
export function cardVerdict(
  lines: readonly DealLineInput[],
  snapshot: StockSnapshot,
  warehouseIds: readonly string[] | undefined,
): Verdict {
  let byLines = verdicts.get(snapshot);
  if (!byLines) {
    byLines = new WeakMap();
    verdicts.set(snapshot, byLines);
  }
  const known = byLines.get(lines);
  if (known && known.warehouseIds === warehouseIds) return known.verdict;
  const verdict = availabilityOf(lines, snapshot, warehouseIds);
  byLines.set(lines, { warehouseIds, verdict });
  return verdict;
}

export const skusOf = (lines: readonly DealLineInput[]) => [
  ...new Set(lines.flatMap((l) => (l.sku ? [l.sku] : []))),
];

/** The deal's availability against a stock snapshot (the snapshot may cover more SKUs than the deal). */
export function availabilityOf(
  lines: readonly DealLineInput[],
  snapshot: StockSnapshot,
  warehouseIds?: readonly string[],
  /** Quantities the deal's own customer order reserved, per SKU: the deal's, not someone else's. */
  ownReserve?: Readonly<Record<string, number>>,
) {
  const stockBySku = new Map([...snapshot.items].map(([sku, item]) => [sku, item.warehouses]));
  const details = new Map(
    [...snapshot.items].map(([sku, item]): [string, SkuDetails] => [
      sku,
      {
        kind: item.kind,
        unit: item.unit,
        link: item.link,
        unassignedReserve: item.unassignedReserve,
        inTransit: item.inTransit,
        ownReserve: ownReserve?.[sku] ?? null,
      },
    ]),
  );
  return computeAvailability(
    lines.map((l) => ({ ...l, price: erpPrice(l.sku ? snapshot.items.get(l.sku) : undefined) ?? l.price })),
    stockBySku,
    { warehouseIds },
    details,
  );
}

/** The ERP is the source of truth for prices; amoCRM's catalog price is the fallback. */
function erpPrice(item: ErpItemStock | undefined) {
  return item?.price ?? undefined;
}
