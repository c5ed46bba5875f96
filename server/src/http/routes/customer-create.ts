import { CustomerPanel } from '@erp-bridge/shared';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AuthVariables } from '../../amocrm/disposable-token/index.js';
import type { CustomerCreator } from '../../customers/create.js';
import { authProblems, json, problem } from './openapi-helpers.js';

const IdParam = z.object({ id: z.coerce.number().int().positive() });

const createRouteFor = (entity: 'contacts' | 'companies') =>
  createRoute({
    method: 'post',
    path: `/api/v1/${entity}/{id}/customer/create`,
    summary: `Create the ERP customer of a ${entity === 'contacts' ? 'contact' : 'company'} nobody matched, from the card (idempotent per card), and remember it`,
    request: { params: IdParam },
    security: [{ disposableToken: [] }],
    responses: {
      200: json(CustomerPanel, 'The created (or already existing) customer, now the card’s'),
      ...authProblems,
      404: problem('No such card (request.not_found)'),
      422: problem(
        'The ERP cannot create customers (erp.not_supported), refused this one (erp.customer_rejected), or the card has no name (customer.name_required)',
      ),
      502: problem('The ERP is unavailable'),
      504: problem('The ERP did not answer in time (erp.timeout)'),
    },
  });

/** POST /api/v1/{contacts|companies}/:id/customer/create: the card's data, read from amoCRM, not from the body. */
export function customerCreateRoutes(creator: Pick<CustomerCreator, 'create'>) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>();
  for (const entity of ['contacts', 'companies'] as const) {
    app.openapi(createRouteFor(entity), async (c) =>
      c.json(await creator.create(c.get('auth').installation, entity, c.req.valid('param').id), 200),
    );
  }
  return app;
}
