import {
  ConnectionTestInput,
  ConnectionTestResult,
  GuardSetupInput,
  GuardSetupResult,
  SettingsUpdate,
  SettingsView,
} from '@erp-bridge/shared';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { type AuthVariables, requireAdmin } from '../../amocrm/disposable-token/index.js';
import type { SettingsService } from '../../settings/service.js';
import { authProblems, json, problem } from './openapi-helpers.js';

const security = [{ disposableToken: [] }];

const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/settings',
  summary: 'Account settings and health (admins only); secrets show only as set / not set',
  security,
  responses: { 200: json(SettingsView, 'Settings'), ...authProblems },
});

const putRoute = createRoute({
  method: 'put',
  path: '/api/v1/settings',
  summary: 'Change settings (admins only); a secret left out keeps its stored value',
  request: { body: { content: { 'application/json': { schema: SettingsUpdate } }, required: true } },
  security,
  responses: { 200: json(SettingsView, 'Saved settings'), ...authProblems },
});

const testRoute = createRoute({
  method: 'post',
  path: '/api/v1/settings/test-connection',
  summary: 'Try an ERP connection (the form, or the saved one when no body)',
  request: {
    body: {
      content: { 'application/json': { schema: ConnectionTestInput } },
      required: false,
    },
  },
  security,
  responses: { 200: json(ConnectionTestResult, 'What the ERP said'), ...authProblems },
});

const gateRoute = createRoute({
  method: 'post',
  path: '/api/v1/settings/guard-setup',
  summary:
    'Set up (or lift) the native stage gate: an API-only "stock checked" field required in gated stages',
  request: {
    body: { content: { 'application/json': { schema: GuardSetupInput } }, required: true },
  },
  security,
  responses: {
    200: json(GuardSetupResult, 'The field and how many stages require it'),
    ...authProblems,
    422: problem('No gated stages chosen'),
  },
});

export function settingsRoutes(settings: SettingsService) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>();
  app.use('/api/v1/settings', requireAdmin());
  app.use('/api/v1/settings/*', requireAdmin());
  return app
    .openapi(getRoute, async (c) => c.json(await settings.view(c.get('auth').installation), 200))
    .openapi(putRoute, async (c) =>
      c.json(await settings.update(c.get('auth').installation, c.req.valid('json')), 200),
    )
    .openapi(testRoute, async (c) => {
      const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : {};
      return c.json(await settings.testConnection(c.get('auth').installation, body?.erp), 200);
    })
    .openapi(gateRoute, async (c) =>
      c.json(await settings.setupGate(c.get('auth').installation, c.req.valid('json').enable), 200),
    );
}
