import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { DomainError } from '../../errors.js';
import { hasBearer } from '../middleware/bearer.js';

export interface Readiness {
  ready: boolean;
  checks: Record<string, unknown>;
}

/**
 * Liveness says the process answers; readiness says it can do its work (database reachable) and
 * shows what degrades it (amoCRM accounts blocked for abuse). Metrics in Prometheus text.
 * The detail of /readyz and /metrics name accounts, so with a METRICS_TOKEN they need it as a
 * bearer; /readyz without it answers its status only. /healthz stays open for load balancers.
 */
export function healthRoutes(deps: {
  readiness(): Promise<Readiness>;
  registry: Registry;
  metricsToken?: string;
}) {
  const token = deps.metricsToken;
  const authorised = (header: string | undefined) => token !== undefined && hasBearer(header, token);
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const r = await deps.readiness();
      const status = r.ready ? 'ready' : 'not_ready';
      const code = r.ready ? 200 : 503;
      return authorised(c.req.header('authorization'))
        ? c.json({ status, checks: r.checks }, code)
        : c.json({ status }, code);
    })
    .get('/metrics', async (c) => {
      if (token !== undefined && !authorised(c.req.header('authorization')))
        throw new DomainError('auth.missing_token', 'Metrics need the metrics bearer token.', {
          title: 'Unauthorized',
          headers: {
            'www-authenticate': 'Bearer realm="metrics"',
          },
        });
      return c.body(await deps.registry.metrics(), 200, { 'content-type': deps.registry.contentType });
    });
}
