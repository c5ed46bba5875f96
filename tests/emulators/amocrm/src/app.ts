import { Hono } from 'hono';
import { apiRoutes } from './api/index.js';
import { type CallLogEntry, callLog } from './call-log.js';
import { problem } from './http/responses.js';
import type { ResolvedOptions } from './options.js';
import { sandboxRoutes } from './sandbox/routes.js';
import { WIDGET_PATH, widgetFileRoutes } from './sandbox/widget-files.js';
import type { EmulatorState } from './state.js';

/**
 * The whole emulator, composed in one visible place. The call log covers the API only: the
 * sandbox's static files would drown what tests count (calls our backend made).
 */
export function buildApp(opts: ResolvedOptions, state: EmulatorState, calls: CallLogEntry[]): Hono {
  const app = new Hono();

  app.use('/api/*', callLog(calls));
  app.route('/api/v4', apiRoutes(state));

  app.get('/sandbox/', (c) => c.redirect('/sandbox?lead=1001', 302));
  app.route('/sandbox', sandboxRoutes(state, opts));
  app.route(WIDGET_PATH, widgetFileRoutes(opts.widgetDir));

  app.get('/favicon.ico', (c) => c.redirect(`${WIDGET_PATH}/images/logo_min.png`, 302));
  app.get('/', (c) => c.redirect('/sandbox?lead=1001', 302));
  app.notFound((c) =>
    new URL(c.req.url).pathname.startsWith('/api/') ? problem(c, 404, 'Not Found') : c.text('Not Found', 404),
  );
  app.onError((err, c) => {
    console.error('[amocrm-emulator]', err);
    return problem(c, 500, err instanceof Error ? err.message : String(err));
  });
  return app;
}
