import type { Installation } from './amocrm/installations.js';
import { createApp, createProbeApp } from './app.js';
import type { Config } from './config.js';
import type { EventHandler } from './jobs/platform-jobs.js';
import { createLogger, type Logger } from './log.js';
import { webAppDeps } from './runtime/app-deps.js';
import { startBehindPort } from './runtime/behind-port.js';
import { holdUntilReady, listen } from './runtime/listen.js';
import { readinessCheck } from './runtime/readiness.js';
import { type CoreServices, createServices } from './runtime/services.js';
import { gracefulStop, type Lifecycle } from './runtime/shutdown.js';
import { startupClock } from './runtime/startup-clock.js';

export { DEMO_STOCK_CSV } from './erp/local/demo-data.js';

export interface RunningServer {
  url: string;
  port: number;
  role: Config['role'];
  /** The process's parts, for the start script, CLI commands and tests. */
  services: Services;
  /**
   * Settles when the database is gone for good (the embedded engine's thread crashed): the
   * process cannot serve again and should exit. Never settles on PostgreSQL.
   */
  lost: Promise<Error>;
  /**
   * Graceful stop: readiness turns 503, no new connections, requests and jobs in flight finish
   * (each within config.shutdownGraceMs), then the database closes.
   */
  close(): Promise<void>;
}

export type Services = Omit<CoreServices, 'replayStore' | 'leadReaderFor' | 'settings'> & {
  /** Polls amoCRM for leads changed since the last pass (also scheduled every 5 minutes). */
  reconcile(inst: Installation): Promise<void>;
};

export interface StartOptions {
  log?: Logger;
  /** Injected into every outgoing amoCRM call (tests). */
  fetch?: typeof fetch;
  /** How long the guard holds a deal it enforces (default 30 s); crash tests shorten it. */
  guardLeaseMs?: number;
  eventHandlers?: EventHandler[];
}

/**
 * Opens storage, builds the services and serves: the whole app in ROLE web | all, the probes
 * (/healthz, /readyz, /metrics) in ROLE worker. The port opens as soon as the routes can be built;
 * the queue, the stock data and the jobs start behind it (/readyz "starting", other requests held
 * until then). Resolves once all of it is up.
 */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.log ?? createLogger(config.logLevel);
  const clock = startupClock(log);
  const { fetch, guardLeaseMs, eventHandlers } = opts;
  const s = await createServices(config, { log, fetch, guardLeaseMs, mark: clock.mark });
  let opened = () => {};
  const jobsReady = new Promise<void>((r) => {
    opened = r;
  }).then(() => startBehindPort(s, config, { log, fetch, eventHandlers, guardLeaseMs }, clock.mark));
  const life: Lifecycle = { state: 'starting' };
  const is = (state: Lifecycle['state']) => () => life.state === state;
  const readiness = readinessCheck(s, is('draining'), is('starting'));
  const enqueue = (ids: readonly number[]) =>
    void jobsReady
      .then((jobs) => jobs.enqueueEvents(ids))
      .catch((err: unknown) => log.warn({ err }, 'enqueue failed; the sweeper will retry'));

  const app =
    config.role === 'worker'
      ? createProbeApp({ readiness, registry: s.metrics.registry, metricsToken: config.metricsToken })
      : createApp(webAppDeps(s, config, { log, fetch, readiness, enqueue }));

  const http = await listen(holdUntilReady(app.fetch, jobsReady), { port: config.port, host: config.host });
  clock.mark('listen');
  const at = { port: http.port, database: s.database.kind, role: config.role };
  log.info({ ...at, startupMs: { ...clock.phases } }, 'erp-bridge listening');
  opened();
  const jobs = await jobsReady.catch(async (err: unknown) => {
    await http.close(0);
    await s.queue.stop(1000);
    await s.database.close();
    throw err;
  });
  life.state = 'ready';
  log.info({ ...at, startupMs: { ...clock.phases, total: clock.elapsed() } }, 'erp-bridge ready');

  const { replayStore: _r, leadReaderFor: _l, settings: _s, ...services } = s;
  return {
    url: `http://127.0.0.1:${http.port}`,
    port: http.port,
    role: config.role,
    services: { ...services, reconcile: jobs.reconcile },
    lost: s.database.lost ?? new Promise<Error>(() => {}),
    close: gracefulStop({ http, jobs, s, config, log, life }),
  };
}
