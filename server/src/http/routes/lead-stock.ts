import { widgetRoutes } from '@erp-bridge/shared';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AuthVariables } from '../../amocrm/disposable-token/index.js';
import type { Installation } from '../../amocrm/installations.js';
import { BoundedCache } from '../../lib/bounded-cache.js';
import { buildLeadStockReport, type LeadStockDeps } from '../../stock/lead-stock.js';
import { openApiRoute } from '../contract-route.js';
import { sharedJsonAnswer } from '../json-bytes.js';
import { clientGone } from '../request-signal.js';
import { syncCheckedRoute } from '../sync-checked-route.js';

/** How often one user may make the backend re-read the ERP for a deal ("↻" in the panel). */
export const REFRESH_EVERY_MS = 10_000;

export const leadStockRoute = openApiRoute(widgetRoutes.leadStock);

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
  const app = new OpenAPIHono<{ Variables: AuthVariables }>();
  // The hottest route: its params and query are checked without zod's async parse.
  return syncCheckedRoute(app, leadStockRoute, async (c, { param, query }) => {
    const { id } = param;
    const auth = c.get('auth');
    let refresh = query.refresh === '1';
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
    // The report object is shared per deal state, and so are its bytes (http/json-bytes.ts).
    return sharedJsonAnswer(c, report);
  });
}
