import { getTableColumns } from 'drizzle-orm';
import type { ExchangeRecord } from '../lib/exchange.js';
import { sanitizePath } from './sanitize.js';
import { exchangeJournal } from './table.js';

/**
 * One exchange_journal row in column order (JOURNAL_COLUMNS), built from a record at flush time:
 * the hot path only keeps the record, the sanitising and clamping happen off the request.
 */
export type JournalRow = [
  at: string,
  accountId: number | null,
  direction: string,
  system: string,
  method: string,
  path: string,
  status: number,
  latencyMs: number,
  attempt: number,
  requestId: string | null,
  jobId: string | null,
  widgetRequestId: string | null,
  leadId: number | null,
];

/** The table's columns but its generated id, in their order (table.ts). */
export const JOURNAL_COLUMNS: readonly string[] = Object.values(getTableColumns(exchangeJournal))
  .filter((c) => c.name !== 'id')
  .map((c) => c.name);

const text = (v: string | undefined, max: number) => (v === undefined ? null : v.slice(0, max));
const id = (v: number | undefined) => (v === undefined || !Number.isSafeInteger(v) ? null : v);

const LEAD_PATH = /\/(?:api\/v4|api\/v1)\/leads\/(\d{1,15})(?:[/?]|$)/;

/** A call on one deal's own URL belongs to that deal, whoever made it. */
function leadOf(r: ExchangeRecord): number | undefined {
  if (r.leadId !== undefined) return r.leadId;
  const m = LEAD_PATH.exec(r.path);
  return m ? Number(m[1]) : undefined;
}

export function journalRow(r: ExchangeRecord): JournalRow {
  return [
    new Date(r.at).toISOString(),
    id(r.accountId),
    r.direction,
    r.system,
    r.method.slice(0, 10),
    sanitizePath(r.path),
    Math.trunc(r.status) || 0,
    Math.max(0, Math.round(r.latencyMs)) || 0,
    Math.max(1, Math.trunc(r.attempt) || 1),
    text(r.requestId, 100),
    text(r.jobId, 100),
    text(r.widgetRequestId, 100),
    id(leadOf(r)),
  ];
}
