import { widgetRoutes } from '@erp-bridge/shared';
import { OpenAPIHono } from '@hono/zod-openapi';
import { type AuthVariables, requireAdmin } from '../../amocrm/disposable-token/index.js';
import type { SettingsService } from '../../settings/service.js';
import { openApiRoute } from '../contract-route.js';

export function settingsRoutes(settings: SettingsService) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>();
  app.use('/api/v1/settings', requireAdmin());
  app.use('/api/v1/settings/*', requireAdmin());
  return app
    .openapi(openApiRoute(widgetRoutes.settings), async (c) =>
      c.json(await settings.view(c.get('auth').installation), 200),
    )
    .openapi(openApiRoute(widgetRoutes.saveSettings), async (c) =>
      c.json(await settings.update(c.get('auth').installation, c.req.valid('json')), 200),
    )
    .openapi(openApiRoute(widgetRoutes.settingsTestConnection), async (c) => {
      const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : {};
      return c.json(await settings.testConnection(c.get('auth').installation, body?.erp), 200);
    })
    .openapi(openApiRoute(widgetRoutes.guardSetup), async (c) =>
      c.json(await settings.setupGate(c.get('auth').installation, c.req.valid('json').enable), 200),
    );
}
