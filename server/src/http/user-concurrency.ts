import type { MiddlewareHandler } from 'hono';
import type { AuthVariables } from '../amocrm/disposable-token/index.js';
import { DomainError } from '../errors.js';

export interface UserConcurrencyOptions {
  /** Widget reads one user may have in flight at once. */
  max: number;
  /** Only these methods count (reads); writes have their own idempotency and limits. */
  methods?: readonly string[];
}

/**
 * A small cap on each user's widget reads in flight: one user (or one stolen token replayed by a
 * script) cannot queue hundreds of reads on the account's amoCRM budget. Past the cap: 429
 * problem+json `request.rate_limited` with Retry-After. Counters exist only while requests run,
 * so memory is bounded by the requests in flight.
 */
export function userConcurrency(
  opts: UserConcurrencyOptions,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  if (!(Number.isInteger(opts.max) && opts.max > 0))
    throw new Error('userConcurrency: max must be a positive integer');
  const methods = new Set(opts.methods ?? ['GET']);
  const inFlight = new Map<string, number>();
  return async (c, next) => {
    if (!methods.has(c.req.method)) return next();
    const auth = c.get('auth');
    const key = `${auth.installation.accountId}:${auth.userId}`;
    const running = inFlight.get(key) ?? 0;
    if (running >= opts.max)
      throw new DomainError(
        'request.rate_limited',
        `At most ${opts.max} reads at once per user; try again in a moment.`,
        { title: 'Too many requests', headers: { 'Retry-After': '1' } },
      );
    inFlight.set(key, running + 1);
    try {
      await next();
    } finally {
      const left = (inFlight.get(key) ?? 1) - 1;
      if (left <= 0) inFlight.delete(key);
      else inFlight.set(key, left);
    }
  };
}
