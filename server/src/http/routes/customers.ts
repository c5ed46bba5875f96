import { CustomerChoice, CustomerPanel } from '@erp-bridge/shared';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AuthVariables } from '../../amocrm/disposable-token/index.js';
import type { CardEntity, CustomerService } from '../../customers/service.js';
import { authProblems, json, problem } from './openapi-helpers.js';

const IdParam = z.object({ id: z.coerce.number().int().positive() });

const routesFor = (entity: CardEntity) => ({
  summary: createRoute({
    method: 'get',
    path: `/api/v1/${entity}/{id}/summary`,
    summary: `The ERP customer behind a ${entity === 'contacts' ? 'contact' : 'company'} card: balance, orders, invoices`,
    request: { params: IdParam },
    security: [{ disposableToken: [] }],
    responses: {
      200: json(CustomerPanel, 'Found, several or not found'),
      ...authProblems,
      404: problem('No such card'),
      502: problem('The ERP is unavailable'),
    },
  }),
  choose: createRoute({
    method: 'post',
    path: `/api/v1/${entity}/{id}/customer`,
    summary: 'Remember which ERP customer this card is (after several were found)',
    request: {
      params: IdParam,
      body: { content: { 'application/json': { schema: CustomerChoice } }, required: true },
    },
    security: [{ disposableToken: [] }],
    responses: {
      200: json(CustomerPanel, 'The chosen customer'),
      ...authProblems,
      404: problem('No such customer'),
    },
  }),
});

export function customerRoutes(customers: Pick<CustomerService, 'panel' | 'choose'>) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>();
  for (const entity of ['contacts', 'companies'] as const) {
    const r = routesFor(entity);
    app.openapi(r.summary, async (c) =>
      c.json(await customers.panel(c.get('auth').installation, entity, c.req.valid('param').id), 200),
    );
    app.openapi(r.choose, async (c) =>
      c.json(
        await customers.choose(
          c.get('auth').installation,
          entity,
          c.req.valid('param').id,
          c.req.valid('json').customerId,
        ),
        200,
      ),
    );
  }
  return app;
}
