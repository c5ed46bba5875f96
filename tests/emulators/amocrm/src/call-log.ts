import type { MiddlewareHandler } from 'hono';
import { type CallLogEntry as BaseEntry, callLog as baseCallLog } from '../../call-log.js';

/** What a handler may add to its call-log entry (typed through Hono's ContextVariableMap). */
export interface CallNote {
  /** POST /oauth2/access_token: the grant_type asked for. */
  grantType?: string;
  /** The connection was destroyed on purpose (faults.dropConnection): logged with status 0. */
  dropped?: boolean;
}

declare module 'hono' {
  interface ContextVariableMap {
    callNote?: CallNote;
  }
}

export interface CallLogEntry extends BaseEntry {
  /** 429 and 403 (limits, blocked account) are here too; 0 = connection dropped. */
  status: number;
  grantType?: string;
}

/** Records each request after it is answered, so tests can count calls the backend made. */
export function callLog(calls: CallLogEntry[]): MiddlewareHandler {
  return baseCallLog(calls, (entry, c) => {
    const note = c.get('callNote');
    return {
      ...entry,
      status: note?.dropped ? 0 : entry.status,
      ...(note?.grantType === undefined ? {} : { grantType: note.grantType }),
    };
  });
}
