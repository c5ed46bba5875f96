import type { MiddlewareHandler } from 'hono';
import { type CallLogEntry as BaseEntry, callLog as baseCallLog } from '../../call-log.js';

export interface CallLogEntry extends BaseEntry {
  /** From arrival to answer: latency, in-flight waits and faults included. */
  durationMs: number;
}

/** Records every request after it is answered (rejected ones too), so tests can count calls. */
export function callLog(calls: CallLogEntry[]): MiddlewareHandler {
  return baseCallLog(calls, (entry) => ({ ...entry, durationMs: Date.now() - entry.at }));
}
