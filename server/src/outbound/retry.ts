import { retryAfterMs } from '../lib/retry-after.js';
import { sleep } from '../lib/sleep.js';
import { OutboundFailure } from './failure.js';

/**
 * Exponential backoff with "equal jitter": half the step fixed, half random, so clients that
 * failed together do not come back together. `attempt` counts from 0.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs = Number.POSITIVE_INFINITY): number {
  const step = Math.min(maxMs, baseMs * 2 ** attempt);
  return step / 2 + Math.random() * (step / 2);
}

/** What the other side asked us to wait (Retry-After, RFC 9110 §10.2.3), in ms; undefined if it did not say. */
export function askedWaitMs(headers: Headers): number | undefined {
  return retryAfterMs(headers.get('retry-after'));
}

/** The decision after a failed attempt: wait this long and try again, or give up (undefined). */
export type RetryDecision = (err: unknown, attempt: number) => number | undefined;

/**
 * Runs `attempt` until it succeeds or `decide` says stop. The wait between attempts ends at once
 * when the caller's signal fires (an OutboundFailure 'aborted'), so nothing retries for a caller
 * that has gone.
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  decide: RetryDecision,
  signal?: AbortSignal,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (signal?.aborted) throw new OutboundFailure('aborted', 'the caller cancelled the request');
      const wait = decide(err, n);
      if (wait === undefined) throw err;
      await pause(wait, signal);
    }
  }
}

/** The one wait between attempts: abortable, an abort surfaces as OutboundFailure 'aborted'. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(ms, signal);
  } catch {
    throw new OutboundFailure('aborted', 'the caller cancelled the request');
  }
}
