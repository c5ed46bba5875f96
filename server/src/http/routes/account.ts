import { widgetRoutes } from '@erp-bridge/shared';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccountCatalog } from '../../amocrm/account-catalog.js';
import { type AuthVariables, requireAdmin } from '../../amocrm/disposable-token/index.js';
import { AmoApiError, amoUnavailable } from '../../amocrm/errors.js';
import { openApiRoute } from '../contract-route.js';

/** amoCRM failures become amocrm.unavailable; nothing of amoCRM's body reaches the answer. */
async function fromAmo<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof AmoApiError)
      throw amoUnavailable(new AmoApiError('amoCRM did not answer the read', err.status));
    throw err;
  }
}

/** What the settings page's pickers offer. */
export function accountRoutes(catalog: AccountCatalog) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>();
  app.use('/api/v1/account/*', requireAdmin());
  return app
    .openapi(openApiRoute(widgetRoutes.accountPipelines), async (c) =>
      c.json(await fromAmo(() => catalog.pipelines(c.get('auth').installation)), 200),
    )
    .openapi(openApiRoute(widgetRoutes.accountUsers), async (c) =>
      c.json(await fromAmo(() => catalog.users(c.get('auth').installation)), 200),
    )
    .openapi(openApiRoute(widgetRoutes.accountFields), async (c) =>
      c.json(
        await fromAmo(() => catalog.fields(c.get('auth').installation, c.req.valid('query').entity)),
        200,
      ),
    );
}
