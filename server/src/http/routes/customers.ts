import { type CustomerPanel, widgetRoutes } from '@erp-bridge/shared';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AuthVariables } from '../../amocrm/disposable-token/index.js';
import type { CustomerSearch } from '../../customers/search.js';
import type { CustomerService } from '../../customers/service.js';
import { openApiRoute } from '../contract-route.js';

const cardRoutes = {
  contacts: {
    summary: widgetRoutes.contactSummary,
    choose: widgetRoutes.contactCustomer,
    unlink: widgetRoutes.contactCustomerUnlink,
  },
  companies: {
    summary: widgetRoutes.companySummary,
    choose: widgetRoutes.companyCustomer,
    unlink: widgetRoutes.companyCustomerUnlink,
  },
} as const;

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
    app.openapi(openApiRoute(widgetRoutes.customerSearch), async (c) =>
      c.json({ items: await search.search(c.get('auth').installation, c.req.valid('query').q) }, 200),
    );
  }
  for (const entity of ['contacts', 'companies'] as const) {
    const r = cardRoutes[entity];
    app.openapi(openApiRoute(r.summary), async (c) => {
      const inst = c.get('auth').installation;
      const p = await customers.panel(inst, entity, c.req.valid('param').id);
      return c.json(await withSearch(inst.accountId, p), 200);
    });
    if (search) {
      app.openapi(openApiRoute(r.unlink), async (c) => {
        const inst = c.get('auth').installation;
        const { id } = c.req.valid('param');
        await search.unlink(inst, entity, id);
        return c.json(await withSearch(inst.accountId, await customers.panel(inst, entity, id)), 200);
      });
    }
    app.openapi(openApiRoute(r.choose), async (c) =>
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
