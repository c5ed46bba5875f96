import { LeadIdParam, StockReport } from '@erp-bridge/shared';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AuthVariables } from '../../amocrm/disposable-token/index.js';
import type { Installation } from '../../amocrm/installations.js';
import { buildLeadStockReport, type LeadStockDeps } from '../../stock/lead-stock.js';
import { clientGone } from '../request-signal.js';
import { problem } from './openapi-helpers.js';

export const leadStockRoute = createRoute({
  method: 'get',
  path: '/api/v1/leads/{id}/stock',
  summary: "Free stock per warehouse for every product of a deal, with the deal's availability",
  request: { params: LeadIdParam },
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

export function leadStockRoutes(depsFor: (installation: Installation) => Promise<LeadStockDeps>) {
  return new OpenAPIHono<{ Variables: AuthVariables }>().openapi(leadStockRoute, async (c) => {
    const { id } = c.req.valid('param');
    const report = await buildLeadStockReport(await depsFor(c.get('auth').installation), id, {
      signal: clientGone(c),
    });
    return c.json(report, 200);
  });
}
