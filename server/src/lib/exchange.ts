import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One request erp-bridge sent or received, as the request journal and the operator metrics see it.
 * The seam between the outbound HTTP core (and the incoming routes) that produce these records and
 * the journal that stores them, so neither imports the other.
 *
 * `path` never carries a query string, a token or personal data: producers pass the route template
 * or the path with its query removed.
 */
export interface ExchangeRecord {
  /** Epoch milliseconds when the request started. */
  at: number;
  direction: 'out' | 'in';
  /** Who was on the other side: amoCRM's API, the ERP, or an incoming webhook / DP call / widget call. */
  system: 'amocrm' | 'erp' | 'webhook' | 'dp' | 'widget';
  accountId?: number;
  method: string;
  path: string;
  /** HTTP status; 0 when no answer came (timeout, connection refused, aborted). */
  status: number;
  latencyMs: number;
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
  /** The request id the other side returned or we sent. */
  requestId?: string;
  /** What this request belongs to (from exchangeContext when the producer does not know). */
  jobId?: string;
  widgetRequestId?: string;
  leadId?: number;
  /** An incoming widget call only: how many outgoing requests it caused (amoCRM and the ERP). */
  outgoing?: number;
}

/** Receives every exchange; must not throw and must not block (it is on the hot path). */
export type ExchangeObserver = (record: ExchangeRecord) => void;

/** What the current job or widget request is, so a deep outbound call can be attributed to it. */
export interface ExchangeContext {
  accountId?: number;
  jobId?: string;
  widgetRequestId?: string;
  leadId?: number;
  /** An HTTP request waits for this work (lib/answer-lane.ts); jobs and flushes leave it unset. */
  answering?: boolean;
  /**
   * A widget call's count of the outgoing requests it caused. An object, so the copies of the
   * context made below it (lib/answer-lane.ts) count into the same one.
   */
  caused?: { outgoing: number };
}

export const exchangeContext = new AsyncLocalStorage<ExchangeContext>();

/** Counts an outgoing request into the widget call that caused it, if one did. */
export function countOutgoing(): void {
  const caused = exchangeContext.getStore()?.caused;
  if (caused) caused.outgoing++;
}

/**
 * Fills the attribution fields a producer left empty from the surrounding context. The same
 * record when the context adds nothing (the writer and the metrics each ask again, per call).
 */
export function attributed(record: ExchangeRecord): ExchangeRecord {
  const context = exchangeContext.getStore();
  if (!context) return record;
  const accountId = record.accountId ?? context.accountId;
  const jobId = record.jobId ?? context.jobId;
  const widgetRequestId = record.widgetRequestId ?? context.widgetRequestId;
  const leadId = record.leadId ?? context.leadId;
  if (
    accountId === record.accountId &&
    jobId === record.jobId &&
    widgetRequestId === record.widgetRequestId &&
    leadId === record.leadId
  )
    return record;
  return { ...record, accountId, jobId, widgetRequestId, leadId };
}
