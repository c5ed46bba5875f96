import { sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import type { ExchangeObserver, ExchangeRecord } from '../lib/exchange.js';
import { attributed } from '../lib/exchange.js';
import type { Logger } from '../log.js';
import { sanitizePath } from './sanitize.js';

export interface JournalWriterOptions {
  db: Db;
  log: Logger;
  /** Flush at least this often (default 1 s). */
  flushMs?: number;
  /** Flush as soon as this many rows wait (default 200): one INSERT per batch. */
  batchRows?: number;
  /** Rows held at most; beyond it new records are dropped and counted (default 10 000). */
  maxBuffered?: number;
}

export interface JournalWriter {
  /** The observer to hand to every transport: O(1), never throws, never awaits. */
  observe: ExchangeObserver;
  /** Writes what waits (tests, shutdown). */
  flush(): Promise<void>;
  /** Records dropped because the buffer was full or a write failed. */
  readonly dropped: number;
  readonly written: number;
  close(): Promise<void>;
}

const text = (v: string | undefined, max: number) => (v === undefined ? null : v.slice(0, max));

const LEAD_PATH = /\/(?:api\/v4|api\/v1)\/leads\/(\d{1,15})(?:[/?]|$)/;
/** A call on one deal's own URL belongs to that deal, whoever made it. */
function withLead(r: ExchangeRecord): ExchangeRecord {
  if (r.leadId !== undefined) return r;
  const m = LEAD_PATH.exec(r.path);
  return m ? { ...r, leadId: Number(m[1]) } : r;
}

/**
 * Batched journal writes: the hot path only pushes into a bounded array; a timer (or a full batch)
 * inserts the rows in one statement. A slow or failing database costs dropped rows, never latency.
 */
export function createJournalWriter(opts: JournalWriterOptions): JournalWriter {
  const flushMs = opts.flushMs ?? 1000;
  const batchRows = opts.batchRows ?? 200;
  const maxBuffered = opts.maxBuffered ?? 10_000;
  let buffer: ExchangeRecord[] = [];
  let dropped = 0;
  let written = 0;
  let inFlight: Promise<void> | undefined;
  let closed = false;

  async function writeOut(): Promise<void> {
    while (buffer.length) {
      const batch = buffer.slice(0, batchRows);
      buffer = buffer.slice(batch.length);
      try {
        // One JSON parameter instead of 13 per row: binding thousands of parameters costs more
        // than the insert itself (PGlite runs in this process, so its CPU is the hot path's).
        const rows = batch.map((r) => ({
          at: new Date(r.at).toISOString(),
          account_id: r.accountId ?? null,
          direction: r.direction,
          system: r.system,
          method: r.method.slice(0, 10),
          path: sanitizePath(r.path),
          status: Math.trunc(r.status),
          latency_ms: Math.max(0, Math.round(r.latencyMs)),
          attempt: Math.max(1, Math.trunc(r.attempt)),
          request_id: text(r.requestId, 100),
          job_id: text(r.jobId, 100),
          widget_request_id: text(r.widgetRequestId, 100),
          lead_id: r.leadId ?? null,
        }));
        await opts.db.execute(sql`
          insert into exchange_journal (at, account_id, direction, system, method, path, status,
            latency_ms, attempt, request_id, job_id, widget_request_id, lead_id)
          select at, account_id, direction, system, method, path, status, latency_ms, attempt,
            request_id, job_id, widget_request_id, lead_id
          from json_to_recordset(${JSON.stringify(rows)}::json) as x(at timestamptz, account_id bigint,
            direction text, system text, method text, path text, status integer, latency_ms integer,
            attempt integer, request_id text, job_id text, widget_request_id text, lead_id bigint)`);
        written += batch.length;
      } catch (err) {
        dropped += batch.length;
        opts.log.warn({ err, rows: batch.length }, 'request journal write failed; rows dropped');
      }
    }
  }

  function flush(): Promise<void> {
    inFlight ??= writeOut().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  const timer = setInterval(() => void flush(), flushMs);
  timer.unref();

  return {
    observe(record) {
      if (closed) return;
      if (buffer.length >= maxBuffered) {
        dropped++;
        return;
      }
      buffer.push(withLead(attributed(record)));
      if (buffer.length >= batchRows && !inFlight) void flush();
    },
    async flush() {
      await flush();
      // Rows that arrived while the previous batch was in flight.
      if (buffer.length) await flush();
    },
    get dropped() {
      return dropped;
    },
    get written() {
      return written;
    },
    async close() {
      clearInterval(timer);
      await this.flush();
      closed = true;
    },
  };
}

/** Several observers behind one (journal, metrics, alert rules), each isolated from the others' faults. */
export function fanOut(...observers: (ExchangeObserver | undefined)[]): ExchangeObserver {
  const list = observers.filter((o): o is ExchangeObserver => Boolean(o));
  return (record) => {
    for (const o of list) {
      try {
        o(record);
      } catch {
        // An observer must not break the request it observes.
      }
    }
  };
}
