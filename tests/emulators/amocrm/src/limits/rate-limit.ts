import type { MiddlewareHandler } from 'hono';
import { problem } from '../http/responses.js';

const ABUSE_WINDOW_MS = 60_000;

export interface LimitConfig {
  rateLimitPerSecond: number;
  abuseThreshold: number;
  abuseBlockMs: number;
}

/** What the limiter remembers; lives in the state so tests can block and unblock the account. */
export interface LimitState {
  /** Epoch ms until which every API request answers 403; 0 = not blocked. */
  blockedUntil: number;
  /** Arrival times of admitted requests within the last second. */
  admitted: number[];
  /** Times of 429 answers within the last minute. */
  rejected: number[];
}

export const createLimitState = (): LimitState => ({ blockedUntil: 0, admitted: [], rejected: [] });

/** The page amoCRM's front servers show a blocked account (HTML, not problem+json). */
export const BLOCKED_PAGE =
  '<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body><h1>Доступ запрещён</h1>' +
  '<p>Доступ к аккаунту временно заблокирован из-за превышения ограничений на количество запросов к API.</p>' +
  '</body></html>';

/**
 * amoCRM's per-integration limit: at most `rateLimitPerSecond` requests in any sliding second
 * (over it: 429, Retry-After: 1). An integration that keeps hitting it gets the account blocked:
 * more than `abuseThreshold` 429s within a minute, and every request answers 403 for a while.
 * The emulator serves one integration, so one window covers every token. Config is read per
 * request, so tests may change it while running.
 */
export function accountLimits(config: LimitConfig, limits: LimitState): MiddlewareHandler {
  return async (c, next) => {
    const now = Date.now();
    if (limits.blockedUntil > now) {
      return c.body(BLOCKED_PAGE, 403, { 'Content-Type': 'text/html; charset=utf-8' });
    }
    if (config.rateLimitPerSecond > 0) {
      while (limits.admitted.length > 0 && (limits.admitted[0] as number) <= now - 1000)
        limits.admitted.shift();
      if (limits.admitted.length >= config.rateLimitPerSecond) {
        while (limits.rejected.length > 0 && (limits.rejected[0] as number) <= now - ABUSE_WINDOW_MS)
          limits.rejected.shift();
        limits.rejected.push(now);
        if (limits.rejected.length > config.abuseThreshold) {
          limits.blockedUntil = now + config.abuseBlockMs;
          limits.rejected = [];
        }
        c.header('Retry-After', '1');
        const detail = `At most ${config.rateLimitPerSecond} requests per second per integration`;
        return problem(c, 429, detail);
      }
      limits.admitted.push(now);
    }
    await next();
  };
}
