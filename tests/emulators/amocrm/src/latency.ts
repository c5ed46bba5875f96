import type { MiddlewareHandler } from 'hono';

/** Delays each request by the current value of `config.latencyMs` (read per request, so tests may change it). */
export function latency(config: { latencyMs: number }): MiddlewareHandler {
  return async (_c, next) => {
    if (config.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, config.latencyMs));
    await next();
  };
}
