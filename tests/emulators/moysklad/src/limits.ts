import type { MiddlewareHandler } from 'hono';
import type { EmulatorState } from './state.js';
import { fail } from './wire.js';

interface TokenBudget {
  /** Arrival times of admitted requests still inside the window. */
  admitted: number[];
  inFlight: number;
}

/**
 * MoySklad's two limits per token: a sliding window of `limit` requests per `windowMs`
 * (429 code 1049) and at most `maxParallel` requests in flight (429 code 1073). Every answer
 * carries X-RateLimit-Limit / X-RateLimit-Remaining; 429s also say when to come back.
 */
export function rateLimits(
  opts: { limit: number; windowMs: number; maxParallel: number; stockReportWeight: number },
  state: EmulatorState,
): MiddlewareHandler {
  const budgets = new Map<string, TokenBudget>();
  let totalInFlight = 0;

  return async (c, next) => {
    const key = c.req.header('authorization') ?? '';
    const budget = budgets.get(key) ?? { admitted: [], inFlight: 0 };
    budgets.set(key, budget);
    const now = Date.now();
    while (budget.admitted.length && (budget.admitted[0] as number) <= now - opts.windowMs)
      budget.admitted.shift();

    const limitHeaders = (remaining: number) => {
      c.header('X-RateLimit-Limit', String(opts.limit));
      c.header('X-RateLimit-Remaining', String(Math.max(0, remaining)));
    };
    const lognexHeaders = (retryAfter: number) => {
      const newest = budget.admitted[budget.admitted.length - 1] ?? now;
      c.header('X-Lognex-Retry-TimeInterval', String(opts.windowMs));
      c.header('X-Lognex-Reset', String(Math.max(0, newest + opts.windowMs - now)));
      c.header('X-Lognex-Retry-After', String(Math.max(0, retryAfter)));
    };

    if (budget.inFlight >= opts.maxParallel) {
      limitHeaders(opts.limit - budget.admitted.length);
      lognexHeaders(100);
      return fail(c, 429, 1073, 'Превышено ограничение на количество параллельных запросов');
    }
    const weight = c.req.path.includes('/report/stock/') ? opts.stockReportWeight : 1;
    if (budget.admitted.length + weight > opts.limit) {
      limitHeaders(0);
      lognexHeaders((budget.admitted[0] as number) + opts.windowMs - now);
      return fail(c, 429, 1049, 'Превышено ограничение на количество запросов в единицу времени');
    }

    for (let i = 0; i < weight; i++) budget.admitted.push(now);
    budget.inFlight++;
    totalInFlight++;
    state.peakInFlight = Math.max(state.peakInFlight, totalInFlight);
    try {
      await next();
    } finally {
      budget.inFlight--;
      totalInFlight--;
    }
    const remaining = opts.limit - budget.admitted.length;
    limitHeaders(remaining);
    if (remaining <= 0) lognexHeaders((budget.admitted[0] as number) + opts.windowMs - Date.now());
  };
}
