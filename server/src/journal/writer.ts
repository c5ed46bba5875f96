import type { Database } from '../db/open.js';
import { inBackground } from '../lib/answer-lane.js';
import type { ExchangeObserver, ExchangeRecord } from '../lib/exchange.js';
import { attributed } from '../lib/exchange.js';
import type { Logger } from '../log.js';
import { createJournalInsert, type JournalInsert } from './insert.js';
import { journalRow } from './row.js';

export interface JournalWriterOptions {
  database: Pick<Database, 'copyIn'>;
  log: Logger;
  /** Flush at least this often (default 1 s). */
  flushMs?: number;
  /** Flush as soon as this many rows wait (default 1000): one statement per batch. */
  batchRows?: number;
  /** Rows held at most; beyond it new records are dropped and counted (default 10 000). */
  maxBuffered?: number;
  /** How a batch reaches the table (default: COPY on PGlite, one unnest insert on PostgreSQL). */
  insert?: JournalInsert;
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

/**
 * Batched journal writes: the hot path only pushes the attributed record into a bounded array; a
 * timer (or a full batch) turns the records into rows and writes them in one statement. Each
 * statement has a fixed cost (on PGlite, in this process), so fewer, larger batches are cheaper
 * per row. A slow or failing database costs dropped rows, never latency.
 */
export function createJournalWriter(opts: JournalWriterOptions): JournalWriter {
  const flushMs = opts.flushMs ?? 1000;
  const batchRows = opts.batchRows ?? 1000;
  const maxBuffered = opts.maxBuffered ?? 10_000;
  const insert = opts.insert ?? createJournalInsert(opts.database);
  let buffer: ExchangeRecord[] = [];
  let dropped = 0;
  let written = 0;
  let inFlight: Promise<void> | undefined;
  let closed = false;

  async function writeOut(): Promise<void> {
    while (buffer.length) {
      const batch = buffer.length <= batchRows ? buffer : buffer.slice(0, batchRows);
      buffer = batch === buffer ? [] : buffer.slice(batch.length);
      try {
        await insert(batch.map(journalRow));
        written += batch.length;
      } catch (err) {
        dropped += batch.length;
        opts.log.warn({ err, rows: batch.length }, 'request journal write failed; rows dropped');
      }
    }
  }

  function flush(): Promise<void> {
    // No answer waits for the journal: a flush a request's row triggered queues behind answers.
    inFlight ??= inBackground(writeOut).finally(() => {
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
      buffer.push(attributed(record));
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
