import { OpenAPIHono } from '@hono/zod-openapi';
import type { AccountCatalog } from './amocrm/account-catalog.js';
import {
  type AuthVariables,
  type DisposableTokenOptions,
  disposableTokenAuth,
} from './amocrm/disposable-token/index.js';
import type { Installation } from './amocrm/installations.js';
import type { CustomerSearch } from './customers/search.js';
import type { CustomerService } from './customers/service.js';
import type { ErpLoop } from './erp-loop/service.js';
import { DomainError } from './errors.js';
import type { GuardService } from './guard/service.js';
import { widgetCors } from './http/cors.js';
import {
  attributeWidgetCall,
  type IncomingJournalOptions,
  incomingJournal,
} from './http/exchange-journal.js';
import { invalidRequest } from './http/invalid-request.js';
import { bodyLimits } from './http/middleware/body-limits.js';
import { cleanInput } from './http/middleware/clean-input.js';
import { errorAnswer, problemResponse } from './http/problem.js';
import { accountRoutes } from './http/routes/account.js';
import { customerCreateRoutes } from './http/routes/customer-create.js';
import { customerRoutes } from './http/routes/customers.js';
import { type DpStaticDeps, dpStaticRoutes } from './http/routes/dp-static.js';
import { dpWebhookRoutes } from './http/routes/dp-webhook.js';
import { erpLoopRoutes } from './http/routes/erp-loop.js';
import { erpWebhookRoutes } from './http/routes/erp-webhook.js';
import { guardRoutes } from './http/routes/guard.js';
import { healthRoutes, type Readiness } from './http/routes/health.js';
import { invoiceRoutes } from './http/routes/invoices.js';
import { journalRoutes } from './http/routes/journal.js';
import { leadStockRoutes } from './http/routes/lead-stock.js';
import { type OAuthRouteDeps, oauthRoutes } from './http/routes/oauth.js';
import { operatorRoutes } from './http/routes/operator.js';
import { settingsRoutes } from './http/routes/settings.js';
import { type WebhookRouteDeps, webhookRoutes } from './http/routes/webhooks.js';
import { userConcurrency } from './http/user-concurrency.js';
import type { InvoiceService } from './invoices/service.js';
import { whileAnswering } from './lib/answer-lane.js';
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
  /** Bearer for /metrics and the detail of /readyz. */
  metricsToken?: string;
  oauth: OAuthRouteDeps;
  webhooks: WebhookRouteDeps;
  leadStockDeps(installation: Installation): Promise<LeadStockDeps>;
  guard: GuardService;
  invoices: InvoiceService;
  customers: CustomerService;
  /** Search the ERP and undo a pick, from a card nobody matched (optional: older compositions). */
  customerSearch?: CustomerSearch;
  settings: SettingsService;
  /** The static Digital Pipeline URL (POST /webhooks/dp): installations found by account id. */
  dpStatic?: DpStaticDeps;
  /** What the settings page's pickers offer (GET /api/v1/account/...). */
  accountCatalog?: AccountCatalog;
  /** Request journal, alerts and the health view (optional: older compositions). */
  operator?: {
    incoming: IncomingJournalOptions;
    journal: Parameters<typeof journalRoutes>[0];
    views: Parameters<typeof operatorRoutes>[0];
  };
  /** Widget reads one user may have in flight at once (default 6: a card's panels load together). */
  userConcurrency?: number;
  /** Issue 15: the ERP's webhooks and the card's order / invoice states. */
  erpLoop?: ErpLoop;
}

/**
 * Body limits by route, sized to what each carries: amoCRM's hook bodies (up to the event cap),
 * Digital Pipeline actions, the settings page (a REST mapping rides along), the widget's calls.
 */
const BODY_LIMITS = [
  { path: /^\/webhooks\/amocrm\//, maxBytes: 512 * 1024 },
  { path: /^\/webhooks\/dp(\/|$)/, maxBytes: 64 * 1024 },
  { path: /^\/webhooks\/erp\//, maxBytes: 256 * 1024 },
  { path: /^\/api\/v1\/settings(\/|$)/, maxBytes: 64 * 1024 },
  { path: /^\/api\/v1\//, maxBytes: 16 * 1024 },
];

/** Every route and middleware of the backend, composed in one visible place. */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({
    defaultHook: (result) => {
      if (!result.success) throw invalidRequest(result.error.issues);
    },
  });

  // Everything a request does until its answer is written runs in the answer lane: the embedded
  // database serves it before jobs and flushes (lib/answer-lane.ts, db/pglite-lanes.ts).
  app.use('*', (_c, next) => whileAnswering(next));
  // CORS first, so even a refusal below is readable by the widget.
  app.use('/api/v1/*', widgetCors(deps.corsExtraOrigins));
  // Every request: a body limit fitting its route, then clean text only (both before any route).
  app.use('*', bodyLimits(BODY_LIMITS, 8 * 1024));
  app.use('*', cleanInput());
  // Incoming webhooks, DP and widget calls into the request journal (after the input checks).
  if (deps.operator) app.use('*', incomingJournal(deps.operator.incoming));

  app.route(
    '/',
    healthRoutes({
      readiness: deps.readiness,
      registry: deps.metrics.registry,
      metricsToken: deps.metricsToken,
    }),
  );
  app.route('/', oauthRoutes(deps.oauth));
  app.route('/', webhookRoutes(deps.webhooks));
  app.route('/', dpWebhookRoutes(deps.webhooks));
  if (deps.dpStatic) app.route('/', dpStaticRoutes(deps.dpStatic));
  if (deps.erpLoop) app.route('/', erpWebhookRoutes(deps.erpLoop));

  app.use('/api/v1/*', disposableTokenAuth(deps.auth));
  app.use('/api/v1/*', userConcurrency({ max: deps.userConcurrency ?? 6 }));
  if (deps.operator) app.use('/api/v1/*', attributeWidgetCall());
  app.route('/', leadStockRoutes(deps.leadStockDeps));
  app.route('/', guardRoutes(deps.guard));
  app.route('/', invoiceRoutes(deps.invoices));
  app.route('/', customerRoutes(deps.customers, deps.customerSearch));
  app.route('/', customerCreateRoutes(deps.customers));
  app.route('/', settingsRoutes(deps.settings));
  if (deps.accountCatalog) app.route('/', accountRoutes(deps.accountCatalog));
  if (deps.erpLoop) app.route('/', erpLoopRoutes(deps.erpLoop));
  if (deps.operator) {
    app.route('/', journalRoutes(deps.operator.journal));
    app.route('/', operatorRoutes(deps.operator.views));
  }

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
    problemResponse(c, new DomainError('request.not_found', 'No such route.', { title: 'Not found' })),
  );
  app.onError(errorAnswer(deps.log));
  return app;
}

export type App = ReturnType<typeof createApp>;

/** ROLE=worker answers only the probes (/healthz, /readyz, /metrics): widgets and hooks go to web instances. */
export function createProbeApp(
  deps: Pick<AppDeps, 'readiness' | 'metricsToken'> & {
    registry: Parameters<typeof healthRoutes>[0]['registry'];
  },
) {
  const app = new OpenAPIHono();
  app.route(
    '/',
    healthRoutes({ readiness: deps.readiness, registry: deps.registry, metricsToken: deps.metricsToken }),
  );
  app.notFound((c) =>
    problemResponse(
      c,
      new DomainError('request.not_found', 'This is a worker: no such route.', { title: 'Not found' }),
    ),
  );
  return app;
}
