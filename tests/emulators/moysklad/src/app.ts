import { Hono } from 'hono';
import { catalogRoutes } from './api/catalog.js';
import { counterpartyRoutes } from './api/counterparty.js';
import { counterpartyWriteRoutes } from './api/counterparty-write.js';
import { documentRoutes } from './api/documents.js';
import { loopRoutes } from './api/loop.js';
import { stockRoutes } from './api/stock.js';
import { type CallLogEntry, callLog } from './call-log.js';
import { type Faults, faultInjection } from './faults.js';
import { rateLimits } from './limits.js';
import type { ResolvedOptions } from './options.js';
import type { EmulatorState } from './state.js';
import type { WebhookSender } from './webhook-sender.js';
import { API_PREFIX, fail } from './wire.js';
import { bearerAuth, gzipOnly } from './wire-middleware.js';

/**
 * The whole emulator, composed in one visible place. Order matters and mirrors the real API:
 * compression is checked first, then the token, then the per-token limits; faults and latency
 * apply only to admitted requests, so they occupy an in-flight slot as a slow ERP would.
 */
export function buildApp(
  opts: ResolvedOptions,
  state: EmulatorState,
  calls: CallLogEntry[],
  faults: Faults,
  hooks?: WebhookSender,
): Hono {
  const app = new Hono();

  app.use('*', callLog(calls));
  app.use('*', async (c, next) => {
    await next();
    // Requests turned away before the limiter (415, 401) still say what the limit is.
    if (!c.res.headers.has('X-RateLimit-Limit')) {
      c.res.headers.set('X-RateLimit-Limit', String(opts.rateLimit.limit));
      c.res.headers.set('X-RateLimit-Remaining', String(opts.rateLimit.limit));
    }
  });
  app.use('*', gzipOnly());
  app.use('*', bearerAuth(opts.token));
  app.use(
    '*',
    rateLimits(
      { ...opts.rateLimit, maxParallel: opts.maxParallel, stockReportWeight: opts.stockReportWeight },
      state,
    ),
  );
  app.use('*', faultInjection(faults));
  // A lost answer is the error MoySklad's front answers when it cannot reach the API (code 1000).
  app.use(
    '*',
    faults.middleware({
      lostAnswer: (c) => fail(c, 502, 1000, 'Сервис временно недоступен'),
      replay: (req) => app.fetch(req),
    }),
  );

  const api = new Hono();
  api.route('/', catalogRoutes(state));
  api.route('/', stockRoutes(state, faults));
  api.route('/', counterpartyRoutes(state, opts));
  api.route('/', counterpartyWriteRoutes(state));
  if (hooks) api.route('/', loopRoutes(state, hooks));
  api.route('/', documentRoutes(state));
  app.route(API_PREFIX, api);

  app.notFound((c) => fail(c, 404, 1005, `Неизвестный ресурс: '${new URL(c.req.url).pathname}'`));
  app.onError((err, c) => {
    console.error('[moysklad-emulator]', err);
    return fail(c, 500, 1000, err instanceof Error ? err.message : String(err));
  });
  return app;
}
