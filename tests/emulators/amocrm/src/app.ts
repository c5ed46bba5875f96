import { Hono } from 'hono';
import { apiRoutes } from './api/index.js';
import { type CallLogEntry, callLog } from './call-log.js';
import { type Faults, faultInjection } from './faults.js';
import { problem } from './http/responses.js';
import { latency } from './latency.js';
import { oauthRoutes } from './oauth/routes.js';
import type { ResolvedOptions } from './options.js';
import { sandboxRoutes } from './sandbox/routes.js';
import { settingsPageRedirect } from './sandbox/settings-url.js';
import { WIDGET_PATH, widgetFileRoutes } from './sandbox/widget-files.js';
import type { EmulatorState } from './state.js';

/**
 * The whole emulator, composed in one visible place. The call log covers the API only: the
 * sandbox's static files would drown what tests count (calls our backend made). OAuth token calls
 * are logged too (with their grant_type), and see latency and faults but not the API's limits.
 */
export function buildApp(
  opts: ResolvedOptions,
  state: EmulatorState,
  calls: CallLogEntry[],
  faults: Faults,
): Hono {
  const app = new Hono();

  app.use('/api/*', callLog(calls));
  app.route('/api/v4', apiRoutes(state, faults));

  app.use('/oauth2/*', callLog(calls));
  app.use('/oauth2/*', latency(state.config));
  app.use('/oauth2/*', faultInjection(faults));
  app.route('/oauth2', oauthRoutes(state.oauth, opts));

  app.get('/sandbox/', (c) => c.redirect('/sandbox?lead=1001', 302));
  app.route('/sandbox', sandboxRoutes(state, opts));
  app.route(WIDGET_PATH, widgetFileRoutes(opts.widgetDir));
  app.get('/settings/widgets/:code/', settingsPageRedirect);

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
