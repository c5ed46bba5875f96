import type { Unlock } from '../db/session-lock.js';

/** First key of the order locks (pg_try_advisory_lock(int, int)): a namespace of its own. */
export const ORDER_LOCK_SPACE = 0x4f524452; // "ORDR"

/**
 * One deal's order lock from the database's session lock. The second key folds account and deal
 * into 32 bits; two deals that share it only wait for each other (the busy one is retried).
 */
export function dealLock(trySessionLock: (space: number, key: number) => Promise<Unlock | null>) {
  return (accountId: number, leadId: number) => trySessionLock(ORDER_LOCK_SPACE, foldKey(accountId, leadId));
}

/** FNV-1a over both ids, as a signed 32-bit integer (PostgreSQL's int4). */
export function foldKey(accountId: number, leadId: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${accountId}:${leadId}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
