import { ErpLoopView, LeadIdParam } from '@erp-bridge/shared';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AuthVariables } from '../../amocrm/disposable-token/index.js';
import type { ErpLoop } from '../../erp-loop/service.js';
import { authProblems, json } from './openapi-helpers.js';

const loopRoute = createRoute({
  method: 'get',
  path: '/api/v1/leads/{id}/erp-loop',
  summary: "The deal's customer order (reserve) and its invoices' states as the ERP last said",
  request: { params: LeadIdParam },
  security: [{ disposableToken: [] }],
  responses: { 200: json(ErpLoopView, 'Order and invoice states'), ...authProblems },
});

export function erpLoopRoutes(loop: Pick<ErpLoop, 'view'>) {
  return new OpenAPIHono<{ Variables: AuthVariables }>().openapi(loopRoute, async (c) =>
    c.json(await loop.view(c.get('auth').installation, c.req.valid('param').id), 200),
  );
}
