import {
  AlertList,
  AlertSettingsInput,
  AlertSettingsView,
  OperatorHealth,
  operatorApi,
} from '@erp-bridge/shared';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { OperatorHealthService } from '../../alerts/health.js';
import type { AlertStore } from '../../alerts/store.js';
import { type AuthVariables, requireAdmin } from '../../amocrm/disposable-token/index.js';
import { authProblems, json } from './openapi-helpers.js';

const security = [{ disposableToken: [] }];

const alertsRoute = createRoute({
  method: 'get',
  path: operatorApi.alerts,
  summary: 'Open alerts and those resolved in the last 24 h (admins only: the banner)',
  security,
  responses: { 200: json(AlertList, 'Alerts'), ...authProblems },
});
const getSettingsRoute = createRoute({
  method: 'get',
  path: operatorApi.alertSettings,
  summary: 'Where alerts go (admins only); the webhook secret shows only as set / not set',
  security,
  responses: { 200: json(AlertSettingsView, 'Alert settings'), ...authProblems },
});
const putSettingsRoute = createRoute({
  method: 'put',
  path: operatorApi.alertSettings,
  summary: 'Change where alerts go (admins only); a PUT changes exactly the fields it names',
  request: { body: { content: { 'application/json': { schema: AlertSettingsInput } }, required: true } },
  security,
  responses: { 200: json(AlertSettingsView, 'Saved'), ...authProblems },
});
const healthRoute = createRoute({
  method: 'get',
  path: operatorApi.health,
  summary: "The account's health: amoCRM, ERP, webhooks, guard today, last alerts (admins only)",
  security,
  responses: { 200: json(OperatorHealth, 'Health'), ...authProblems },
});

export function operatorRoutes(deps: { alerts: AlertStore; health: OperatorHealthService }) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>();
  app.use(operatorApi.alerts, requireAdmin());
  app.use(`${operatorApi.alerts}/*`, requireAdmin());
  app.use(operatorApi.health, requireAdmin());
  return app
    .openapi(alertsRoute, async (c) =>
      c.json(await deps.alerts.list(c.get('auth').accountId, new Date()), 200),
    )
    .openapi(getSettingsRoute, async (c) =>
      c.json(await deps.alerts.settingsView(c.get('auth').accountId), 200),
    )
    .openapi(putSettingsRoute, async (c) =>
      c.json(await deps.alerts.updateSettings(c.get('auth').accountId, c.req.valid('json')), 200),
    )
    .openapi(healthRoute, async (c) => c.json(await deps.health.of(c.get('auth').installation), 200));
}
