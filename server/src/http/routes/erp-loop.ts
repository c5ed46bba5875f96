import { widgetRoutes } from '@erp-bridge/shared';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AuthVariables } from '../../amocrm/disposable-token/index.js';
import type { ErpLoop } from '../../erp-loop/service.js';
import { openApiRoute } from '../contract-route.js';

export function erpLoopRoutes(loop: Pick<ErpLoop, 'view'>) {
  return new OpenAPIHono<{ Variables: AuthVariables }>().openapi(
    openApiRoute(widgetRoutes.leadErpLoop),
    async (c) => c.json(await loop.view(c.get('auth').installation, c.req.valid('param').id), 200),
  );
}
