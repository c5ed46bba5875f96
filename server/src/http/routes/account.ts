import { AccountFields, AccountPipelines, AccountUsers, FieldEntity } from '@erp-bridge/shared';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AccountCatalog } from '../../amocrm/account-catalog.js';
import { type AuthVariables, requireAdmin } from '../../amocrm/disposable-token/index.js';
import { AmoApiError, amoUnavailable } from '../../amocrm/errors.js';
import { authProblems, json, problem } from './openapi-helpers.js';

const security = [{ disposableToken: [] }];
const amoDown = { 502: problem('amoCRM is unavailable (amocrm.unavailable)') };

const pipelinesRoute = createRoute({
  method: 'get',
  path: '/api/v1/account/pipelines',
  summary: "The account's pipelines with their stages and colours (admins only; cached)",
  security,
  responses: { 200: json(AccountPipelines, 'Pipelines'), ...authProblems, ...amoDown },
});

const usersRoute = createRoute({
  method: 'get',
  path: '/api/v1/account/users',
  summary: "The account's users and user groups (admins only; cached)",
  security,
  responses: { 200: json(AccountUsers, 'Users and groups'), ...authProblems, ...amoDown },
});

const fieldsRoute = createRoute({
  method: 'get',
  path: '/api/v1/account/fields',
  summary: 'Custom fields of leads, contacts or companies (admins only; cached)',
  request: { query: z.object({ entity: FieldEntity }) },
  security,
  responses: { 200: json(AccountFields, 'Custom fields'), ...authProblems, ...amoDown },
});

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
    .openapi(pipelinesRoute, async (c) =>
      c.json(await fromAmo(() => catalog.pipelines(c.get('auth').installation)), 200),
    )
    .openapi(usersRoute, async (c) =>
      c.json(await fromAmo(() => catalog.users(c.get('auth').installation)), 200),
    )
    .openapi(fieldsRoute, async (c) =>
      c.json(
        await fromAmo(() => catalog.fields(c.get('auth').installation, c.req.valid('query').entity)),
        200,
      ),
    );
}
