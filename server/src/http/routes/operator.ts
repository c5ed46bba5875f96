import { operatorRoutes as routes } from '@erp-bridge/shared';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { OperatorHealthService } from '../../alerts/health.js';
import type { AlertStore } from '../../alerts/store.js';
import { type AuthVariables, requireAdmin } from '../../amocrm/disposable-token/index.js';
import { openApiRoute } from '../contract-route.js';

export function operatorRoutes(deps: { alerts: AlertStore; health: OperatorHealthService }) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>();
  app.use(routes.alerts.path, requireAdmin());
  app.use(`${routes.alerts.path}/*`, requireAdmin());
  app.use(routes.operatorHealth.path, requireAdmin());
  return app
    .openapi(openApiRoute(routes.alerts), async (c) =>
      c.json(await deps.alerts.list(c.get('auth').accountId, new Date()), 200),
    )
    .openapi(openApiRoute(routes.alertSettings), async (c) =>
      c.json(await deps.alerts.settingsView(c.get('auth').accountId), 200),
    )
    .openapi(openApiRoute(routes.saveAlertSettings), async (c) =>
      c.json(await deps.alerts.updateSettings(c.get('auth').accountId, c.req.valid('json')), 200),
    )
    .openapi(openApiRoute(routes.operatorHealth), async (c) =>
      c.json(await deps.health.of(c.get('auth').installation), 200),
    );
}
