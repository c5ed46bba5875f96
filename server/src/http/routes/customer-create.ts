import { widgetRoutes } from '@erp-bridge/shared';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AuthVariables } from '../../amocrm/disposable-token/index.js';
import type { CustomerCreator } from '../../customers/create.js';
import { openApiRoute } from '../contract-route.js';

const createRoutes = {
  contacts: widgetRoutes.contactCustomerCreate,
  companies: widgetRoutes.companyCustomerCreate,
} as const;

/** POST /api/v1/{contacts|companies}/:id/customer/create: the card's data, read from amoCRM, not from the body. */
export function customerCreateRoutes(creator: Pick<CustomerCreator, 'create'>) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>();
  for (const entity of ['contacts', 'companies'] as const) {
    app.openapi(openApiRoute(createRoutes[entity]), async (c) =>
      c.json(await creator.create(c.get('auth').installation, entity, c.req.valid('param').id), 200),
    );
  }
  return app;
}
