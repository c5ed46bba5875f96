import { widgetRoutes } from '@erp-bridge/shared';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AuthVariables } from '../../amocrm/disposable-token/index.js';
import { DomainError } from '../../errors.js';
import type { GuardService } from '../../guard/service.js';
import { openApiRoute } from '../contract-route.js';

export function guardRoutes(guard: Pick<GuardService, 'history' | 'checkNow'>) {
  return new OpenAPIHono<{ Variables: AuthVariables }>()
    .openapi(openApiRoute(widgetRoutes.leadGuard), async (c) =>
      c.json(await guard.history(c.get('auth').installation, c.req.valid('param').id), 200),
    )
    .openapi(openApiRoute(widgetRoutes.leadStockCheck), async (c) => {
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
