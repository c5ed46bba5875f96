import { createOperatorHealth } from './alerts/health.js';
import { createInstaller, createUninstaller } from './amocrm/install.js';
import type { Installation } from './amocrm/installations.js';
import { createApp, createProbeApp } from './app.js';
import type { Config } from './config.js';
import { createCustomerSearch } from './customers/search.js';
import type { EventHandler } from './jobs/platform-jobs.js';
import { JOBS } from './jobs/platform-jobs.js';
import { createLogger, type Logger } from './log.js';
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
      : createApp({
          log,
          metrics: s.metrics,
          auth: {
            secret: config.amo.clientSecret,
            audience: config.audience,
            installations: s.installations,
            replayStore: s.replayStore,
          },
          corsExtraOrigins: config.corsExtraOrigins,
          metricsToken: config.metricsToken,
          readiness,
          oauth: {
            clientSecret: config.amo.clientSecret,
            clientId: config.amo.clientId,
            exchangeCode: (account, code) => s.access.oauth.exchangeCode(s.access.accountBase(account), code),
            install: createInstaller({ access: s.access, installations: s.installations, fetch }),
            afterInstall: async (inst) =>
              void (await s.queue.send(JOBS.install, { installationId: inst.id, accountId: inst.accountId })),
            disable: createUninstaller({
              db: s.database.db,
              installations: s.installations,
              forget: (accountId) => s.accountCatalog.invalidate(accountId),
            }),
            claimState: (nonce, expiresAt) => s.replayStore.claim(`oauth-state:${nonce}`, 0, expiresAt),
            log,
          },
          webhooks: {
            findByHookKey: s.installations.findByHookKey,
            inbox: s.inbox,
            onStored: enqueue,
            log,
            metrics: s.metrics,
          },
          leadStockDeps: async (inst) => ({
            leads: s.leadReaderFor(inst),
            erp: await s.erp.forAccount(inst.accountId),
            warehouseIds: (await s.accountSettings.get(inst.accountId)).guard.warehouseIds ?? undefined,
          }),
          guard: s.guard,
          invoices: s.invoices,
          customers: s.customers,
          customerSearch: createCustomerSearch({ db: s.database.db, erp: s.erp }),
          settings: s.settings,
          accountCatalog: s.accountCatalog,
          erpLoop: s.erpLoop,
          operator: {
            incoming: {
              observe: (r) => s.operator.onExchange(r),
              accountOfHookKey: async (key) => (await s.installations.findByHookKey(key))?.accountId,
            },
            journal: {
              store: s.operator.journal,
              dropped: () => s.operator.journalWriter.dropped,
              flush: () => s.operator.journalWriter.flush(),
            },
            views: {
              alerts: s.operator.alertStore,
              health: createOperatorHealth({
                db: s.database.db,
                signals: s.operator.signals,
                alerts: s.operator.alertStore,
                erp: s.erp,
                erpSettings: s.erpSettings,
              }),
            },
          },
          dpStatic: {
            findActive: s.installations.findActive,
            inbox: s.inbox,
            onStored: enqueue,
            log,
          },
        });

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
    close: gracefulStop({ http, jobs, s, config, log, life }),
  };
}
