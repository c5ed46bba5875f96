import { LeadIdParam, StockReport } from '@erp-bridge/shared';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AuthVariables } from '../../amocrm/disposable-token/index.js';
import type { Installation } from '../../amocrm/installations.js';
import { BoundedCache } from '../../lib/bounded-cache.js';
import { buildLeadStockReport, type LeadStockDeps } from '../../stock/lead-stock.js';
import { clientGone } from '../request-signal.js';
import { problem } from './openapi-helpers.js';

/** How often one user may make the backend re-read the ERP for a deal ("↻" in the panel). */
export const REFRESH_EVERY_MS = 10_000;

const StockQuery = z.object({
  /** 1: read this deal's stock from the ERP now, not from the short cache (at most once per 10 s per user). */
  refresh: z.enum(['0', '1']).optional(),
});

export const leadStockRoute = createRoute({
  method: 'get',
  path: '/api/v1/leads/{id}/stock',
  summary: "Free stock per warehouse for every product of a deal, with the deal's availability",
  request: { params: LeadIdParam, query: StockQuery },
  security: [{ disposableToken: [] }],
  responses: {
    200: { description: 'Stock report', content: { 'application/json': { schema: StockReport } } },
    400: problem('Invalid deal id'),
    401: problem('Missing or invalid disposable token'),
    404: problem('No such deal'),
    429: problem('Too many reads in flight for this user'),
    502: problem('amoCRM or the ERP is unavailable'),
  },
});

export function leadStockRoutes(
  depsFor: (installation: Installation) => Promise<LeadStockDeps>,
  options: { refreshEveryMs?: number; now?: () => number } = {},
) {
  // One entry per user who pressed "↻" lately; bounded, so random users grow nothing.
  const lastRefresh = new BoundedCache<true>({
    max: 10_000,
    ttlMs: options.refreshEveryMs ?? REFRESH_EVERY_MS,
    ...(options.now ? { now: options.now } : {}),
  });
  return new OpenAPIHono<{ Variables: AuthVariables }>().openapi(leadStockRoute, async (c) => {
    const { id } = c.req.valid('param');
    const auth = c.get('auth');
    let refresh = c.req.valid('query').refresh === '1';
    if (refresh) {
      // Over the limit the answer still comes, from the cache; its asOf says when it was read.
      const key = `${auth.installation.accountId}:${auth.userId}`;
      if (lastRefresh.get(key)) refresh = false;
      else lastRefresh.set(key, true);
    }
    const report = await buildLeadStockReport(await depsFor(auth.installation), id, {
      refresh,
      signal: clientGone(c),
    });
    return c.json(report, 200);
  });
}
