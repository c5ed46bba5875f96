import type { MiddlewareHandler } from 'hono';
import { callLog as baseCallLog, type CallLogEntry } from '../../call-log.js';

export type { CallLogEntry } from '../../call-log.js';

/** Logs the path decoded, Cyrillic readable: /trade/odata/standard.odata/Catalog_Номенклатура. */
export function callLog(calls: CallLogEntry[]): MiddlewareHandler {
  return baseCallLog(calls, (entry) => {
    try {
      return { ...entry, path: decodeURIComponent(entry.path) };
    } catch {
      // keep the raw path: the request was malformed and the log should say so as it came
      return entry;
    }
  });
}
