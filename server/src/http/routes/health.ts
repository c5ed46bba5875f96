import { Hono } from 'hono';
import type { Registry } from 'prom-client';

export interface Readiness {
  ready: boolean;
  checks: Record<string, unknown>;
}

/**
 * Liveness says the process answers; readiness says it can do its work (database reachable) and
 * shows what degrades it (amoCRM accounts blocked for abuse). Metrics in Prometheus text.
 */
export function healthRoutes(deps: { readiness(): Promise<Readiness>; registry: Registry }) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const r = await deps.readiness();
      return c.json({ status: r.ready ? 'ready' : 'not_ready', checks: r.checks }, r.ready ? 200 : 503);
    })
    .get('/metrics', async (c) =>
      c.body(await deps.registry.metrics(), 200, { 'content-type': deps.registry.contentType }),
    );
}
