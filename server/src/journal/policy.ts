import type { ExchangeRecord } from '../lib/exchange.js';

const READS = new Set(['GET', 'HEAD']);

/**
 * Which exchanges the request journal keeps. Every exchange with another system is kept: each
 * call to amoCRM and the ERP, each webhook and Digital Pipeline call in. A widget call is kept
 * when it is more than a read served from this backend alone: it failed, it wrote (an invoice
 * request, settings), or it caused calls to amoCRM or the ERP (the rows of those name it by
 * widgetRequestId). A card's read answered from the cache reached no system; one row per card
 * open per manager would bury the rows an administrator looks for, and it was the journal's whole
 * cost on the hot path (`pnpm bench journal`). Such reads are still counted in the operator metrics.
 */
export function journaled(record: ExchangeRecord): boolean {
  if (record.system !== 'widget') return true;
  return (
    record.status === 0 || record.status >= 400 || !READS.has(record.method) || (record.outgoing ?? 0) > 0
  );
}
