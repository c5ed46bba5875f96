import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import {
  type AuthVariables,
  type DisposableTokenOptions,
  disposableTokenAuth,
} from './amocrm/disposable-token/index.js';
import type { Installation } from './amocrm/installations.js';
import type { CustomerService } from './customers/service.js';
import type { GuardService } from './guard/service.js';
import { widgetCors } from './http/cors.js';
import { HttpProblem, problemResponse } from './http/problem.js';
import { customerRoutes } from './http/routes/customers.js';
import { dpWebhookRoutes } from './http/routes/dp-webhook.js';
import { guardRoutes } from './http/routes/guard.js';
import { healthRoutes, type Readiness } from './http/routes/health.js';
import { invoiceRoutes } from './http/routes/invoices.js';
import { leadStockRoutes } from './http/routes/lead-stock.js';
import { type OAuthRouteDeps, oauthRoutes } from './http/routes/oauth.js';
import { settingsRoutes } from './http/routes/settings.js';
import { type WebhookRouteDeps, webhookRoutes } from './http/routes/webhooks.js';
import { userConcurrency } from './http/user-concurrency.js';
import type { InvoiceService } from './invoices/service.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { SettingsService } from './settings/service.js';
import type { LeadStockDeps } from './stock/lead-stock.js';

export interface AppDeps {
  log: Logger;
  metrics: Metrics;
  auth: DisposableTokenOptions;
  corsExtraOrigins: readonly string[];
  readiness(): Promise<Readiness>;
  oauth: OAuthRouteDeps;
  webhooks: WebhookRouteDeps;
  leadStockDeps(installation: Installation): Promise<LeadStockDeps>;
  guard: GuardService;
  invoices: InvoiceService;
  customers: CustomerService;
  settings: SettingsService;
  /** Widget reads one user may have in flight at once (default 6: a card's panels load together). */
  userConcurrency?: number;
}

/** Every route and middleware of the backend, composed in one visible place. */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = result.error.issues.map((i) => ({
          path: i.path.join('.') || 'request',
          message: i.message,
        }));
        const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
        throw new HttpProblem(400, 'request.invalid', 'Invalid request', detail, {}, errors);
      }
    },
  });

  app.route('/', healthRoutes({ readiness: deps.readiness, registry: deps.metrics.registry }));
  app.route('/', oauthRoutes(deps.oauth));
  app.route('/', webhookRoutes(deps.webhooks));
  app.route('/', dpWebhookRoutes(deps.webhooks));

  app.use('/api/v1/*', widgetCors(deps.corsExtraOrigins));
  app.use('/api/v1/*', disposableTokenAuth(deps.auth));
  app.use('/api/v1/*', userConcurrency({ max: deps.userConcurrency ?? 6 }));
  app.route('/', leadStockRoutes(deps.leadStockDeps));
  app.route('/', guardRoutes(deps.guard));
  app.route('/', invoiceRoutes(deps.invoices));
  app.route('/', customerRoutes(deps.customers));
  app.route('/', settingsRoutes(deps.settings));

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'erp-bridge widget API', version: '0.1.0' },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'disposableToken', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Auth-Token',
  });

  app.notFound((c) =>
    problemResponse(c, new HttpProblem(404, 'request.not_found', 'Not found', 'No such route.')),
  );
  app.onError((err, c) => {
    if (err instanceof HttpProblem) return problemResponse(c, err);
    if (err instanceof HTTPException) {
      const code = err.status === 413 ? 'request.payload_too_large' : 'request.invalid';
      return problemResponse(c, new HttpProblem(err.status, code, 'Bad request', err.message));
    }
    deps.log.error({ err, path: c.req.path }, 'unhandled error');
    return problemResponse(
      c,
      new HttpProblem(500, 'internal', 'Internal error', 'Something went wrong on our side.'),
    );
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
