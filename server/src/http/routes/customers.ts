import { CustomerChoice, CustomerPanel, CustomerSearchQuery, CustomerSearchResult } from '@erp-bridge/shared';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AuthVariables } from '../../amocrm/disposable-token/index.js';
import type { CustomerSearch } from '../../customers/search.js';
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
  unlink: createRoute({
    // POST, not DELETE: the widget API's CORS allows GET, POST and PUT only.
    method: 'post',
    path: `/api/v1/${entity}/{id}/customer/unlink`,
    summary: 'Forget the customer picked for this card ("not this customer"); the card is searched again',
    request: { params: IdParam },
    security: [{ disposableToken: [] }],
    responses: { 200: json(CustomerPanel, 'The card searched again'), ...authProblems },
  }),
});

const searchRoute = createRoute({
  method: 'get',
  path: '/api/v1/customers/search',
  summary: 'ERP customers by INN (every ERP) or by name (where the ERP can search by name)',
  request: { query: CustomerSearchQuery },
  security: [{ disposableToken: [] }],
  responses: {
    200: json(CustomerSearchResult, 'Matching customers (at most 20)'),
    ...authProblems,
    422: problem('This ERP cannot search by name'),
    502: problem('The ERP is unavailable'),
    504: problem('The ERP did not answer in time (erp.timeout)'),
  },
});

export function customerRoutes(
  customers: Pick<CustomerService, 'panel' | 'choose'> & Partial<Pick<CustomerService, 'canCreate'>>,
  search?: CustomerSearch,
) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>();
  /** A card nobody matched: say whether the ERP can be searched by name too. */
  const withSearch = async (accountId: number, p: CustomerPanel): Promise<CustomerPanel> =>
    p.status === 'not_found' && search
      ? {
          ...p,
          canSearch: await search.canSearchByName(accountId),
          canCreate: (await customers.canCreate?.(accountId)) ?? false,
        }
      : p;
  if (search) {
    app.openapi(searchRoute, async (c) =>
      c.json({ items: await search.search(c.get('auth').installation, c.req.valid('query').q) }, 200),
    );
  }
  for (const entity of ['contacts', 'companies'] as const) {
    const r = routesFor(entity);
    app.openapi(r.summary, async (c) => {
      const inst = c.get('auth').installation;
      const p = await customers.panel(inst, entity, c.req.valid('param').id);
      return c.json(await withSearch(inst.accountId, p), 200);
    });
    if (search) {
      app.openapi(r.unlink, async (c) => {
        const inst = c.get('auth').installation;
        const { id } = c.req.valid('param');
        await search.unlink(inst, entity, id);
        return c.json(await withSearch(inst.accountId, await customers.panel(inst, entity, id)), 200);
      });
    }
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
