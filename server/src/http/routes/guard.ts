import { GuardHistory, LeadIdParam, StockCheckResult } from '@erp-bridge/shared';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AuthVariables } from '../../amocrm/disposable-token/index.js';
import { DomainError } from '../../errors.js';
import type { GuardService } from '../../guard/service.js';
import { authProblems, json, problem } from './openapi-helpers.js';

const guardRoute = createRoute({
  method: 'get',
  path: '/api/v1/leads/{id}/guard',
  summary: "The stock guard's decisions for a deal, newest first",
  request: { params: LeadIdParam },
  security: [{ disposableToken: [] }],
  responses: { 200: json(GuardHistory, 'Decision history'), ...authProblems },
});

const checkRoute = createRoute({
  method: 'post',
  path: '/api/v1/leads/{id}/stock-check',
  summary: 'Check the deal against stock now and enforce the guard ("Check again")',
  request: { params: LeadIdParam },
  security: [{ disposableToken: [] }],
  responses: {
    200: json(StockCheckResult, 'The decision taken'),
    ...authProblems,
    409: problem('The guard is disabled for this account'),
    502: problem('amoCRM or the ERP is unavailable'),
  },
});

export function guardRoutes(guard: Pick<GuardService, 'history' | 'checkNow'>) {
  return new OpenAPIHono<{ Variables: AuthVariables }>()
    .openapi(guardRoute, async (c) =>
      c.json(await guard.history(c.get('auth').installation, c.req.valid('param').id), 200),
    )
    .openapi(checkRoute, async (c) => {
      const record = await guard.checkNow(c.get('auth').installation, c.req.valid('param').id);
      if (!record)
        throw new DomainError(
          'guard.disabled',
          'The stock guard is not enabled for this account, or the deal is gone.',
          { title: 'Guard disabled' },
        );
      return c.json({ record }, 200);
    });
}
