import type { GuardHistory, GuardRecord } from '@erp-bridge/shared';

/** Verdicts the banner shows; anything else (ok, empty, no decision, guard off) shows nothing. */
export type BannerLook = 'blocked' | 'not_gated' | 'warn';

export interface GuardView {
  /** The banner's data-state: its look, or why there is none (off, none, ok, empty). */
  state: BannerLook | 'off' | 'none' | 'ok' | 'empty';
  /** The newest decision (its reasons are current). */
  latest: GuardRecord | null;
  /** The decision whose time and actions the banner tells. */
  record: GuardRecord | null;
}

/**
 * What the guard banner shows. The guard moves a stopped deal back, and that move is an event too:
 * the newest decision then says "short, outside the guarded stages". The stop (and what it did)
 * stays on the banner until a decision other than not_gated comes.
 */
export function guardView(history: GuardHistory): GuardView {
  const latest = history.latest;
  if (!history.enabled) return { state: 'off', latest, record: null };
  if (!latest) return { state: 'none', latest, record: null };
  let record = latest;
  if (latest.verdict === 'not_gated') {
    for (const h of history.history) {
      if (h.verdict === 'blocked') record = h;
      if (h.verdict !== 'not_gated') break;
    }
  }
  return { state: record.verdict, latest, record };
}
