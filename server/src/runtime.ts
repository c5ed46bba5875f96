import { createOperatorHealth } from './alerts/health.js';
import { createInstaller, createUninstaller } from './amocrm/install.js';
import type { Installation } from './amocrm/installations.js';
import { createApp, createProbeApp } from './app.js';
import type { Config } from './config.js';
import { createCustomerSearch } from './customers/search.js';
import type { EventHandler } from './jobs/platform-jobs.js';
import { JOBS } from './jobs/platform-jobs.js';
import { createLogger, type Logger } from './log.js';
import { defineJobs } from './runtime/jobs.js';
import { listen } from './runtime/listen.js';
import { readinessCheck } from './runtime/readiness.js';
import { type CoreServices, createServices } from './runtime/services.js';

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

export type Services = Omit<CoreServices, 'replayStore' | 'leadReaderFor' | 'settings' | 'startup'> & {
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
 * Opens storage and the queue, defines the jobs, and serves: the whole app in ROLE web | all, the
 * probes (/healthz, /readyz, /metrics) in ROLE worker. Resolves once listening.
 */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.log ?? createLogger(config.logLevel);
  const started = performance.now();
  const s = await createServices(config, { log, fetch: opts.fetch, guardLeaseMs: opts.guardLeaseMs });
  const t = performance.now();
  const jobs = await defineJobs(s, config, {
    log,
    fetch: opts.fetch,
    eventHandlers: opts.eventHandlers,
    guardLeaseMs: opts.guardLeaseMs,
  });
  s.startup.jobs = Math.round(performance.now() - t);
  let draining = false;
  const readiness = readinessCheck(s, () => draining);

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
            install: createInstaller({ access: s.access, installations: s.installations, fetch: opts.fetch }),
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
            onStored: (ids) =>
              void jobs
                .enqueueEvents(ids)
                .catch((err: unknown) => log.warn({ err }, 'enqueue failed; the sweeper will retry')),
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
            onStored: (ids) =>
              void jobs
                .enqueueEvents(ids)
                .catch((err: unknown) => log.warn({ err }, 'enqueue failed; the sweeper will retry')),
            log,
          },
        });

  const http = await listen(app.fetch, { port: config.port, host: config.host });
  s.startup.total = Math.round(performance.now() - started);
  log.info(
    { port: http.port, database: s.database.kind, role: config.role, startupMs: s.startup },
    'erp-bridge listening',
  );

  const { replayStore: _r, leadReaderFor: _l, settings: _s, startup: _t, ...services } = s;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${http.port}`,
    port: http.port,
    role: config.role,
    services: { ...services, reconcile: jobs.reconcile },
    close() {
      closing ??= (async () => {
        draining = true;
        const started = performance.now();
        await http.close(config.shutdownGraceMs);
        jobs.stop();
        await s.operator.journalWriter.close();
        await s.queue.stop(Math.max(1000, config.shutdownGraceMs - (performance.now() - started)));
        await s.database.close();
        log.info({ ms: Math.round(performance.now() - started), role: config.role }, 'erp-bridge stopped');
      })();
      return closing;
    },
  };
}
