import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { createAmoAccess } from './amocrm/access.js';
import { createReplayStore } from './amocrm/disposable-token/replay-store.js';
import { createInstaller, ensureLongLivedInstallation } from './amocrm/install.js';
import { createInstallationRepo, type Installation } from './amocrm/installations.js';
import { createLeadReader, type LeadReader } from './amocrm/lead-products.js';
import { createWebhookInbox } from './amocrm/webhooks/inbox.js';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { resolveSecretBox } from './crypto/key-file.js';
import { createCustomerService } from './customers/service.js';
import { openDatabase } from './db/open.js';
import { importStockCsv } from './erp/local/csv-import.js';
import { loadDemoData } from './erp/local/demo-data.js';
import { createErpRegistry } from './erp/registry.js';
import { createErpSettingsStore } from './erp/settings.js';
import type { EnforceItem } from './guard/enforcer.js';
import { createGuardService, GUARD_JOB } from './guard/service.js';
import { createGuardStore } from './guard/store.js';
import { createInvoiceService, INVOICE_JOB, INVOICE_RETRIES } from './invoices/service.js';
import { definePlatformJobs, type EventHandler, JOBS, resendTakenJobs } from './jobs/platform-jobs.js';
import { startQueue } from './jobs/queue.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics } from './metrics.js';
import { createAccountSettingsStore } from './settings/account-settings.js';
import { createSettingsService } from './settings/service.js';

export { DEMO_STOCK_CSV } from './erp/local/demo-data.js';

export interface RunningServer {
  url: string;
  port: number;
  /** The process's parts, for the start script, CLI commands and tests. */
  services: Services;
  close(): Promise<void>;
}

export interface Services {
  database: Awaited<ReturnType<typeof openDatabase>>;
  installations: ReturnType<typeof createInstallationRepo>;
  inbox: ReturnType<typeof createWebhookInbox>;
  access: ReturnType<typeof createAmoAccess>;
  queue: Awaited<ReturnType<typeof startQueue>>;
  metrics: ReturnType<typeof createMetrics>;
  erp: ReturnType<typeof createErpRegistry>;
  erpSettings: ReturnType<typeof createErpSettingsStore>;
  accountSettings: ReturnType<typeof createAccountSettingsStore>;
  /** Polls amoCRM for leads changed since the last pass (also scheduled every 5 minutes). */
  reconcile(inst: Installation): Promise<void>;
  guard: ReturnType<typeof createGuardService>;
  invoices: ReturnType<typeof createInvoiceService>;
  customers: ReturnType<typeof createCustomerService>;
}

export interface StartOptions {
  log?: Logger;
  /** Injected into every outgoing amoCRM call (tests). */
  fetch?: typeof fetch;
  /** How long the guard holds a deal it enforces (default 30 s); crash tests shorten it. */
  guardLeaseMs?: number;
  eventHandlers?: EventHandler[];
}

/** Opens storage and the queue, prepares installations, and serves the app. Resolves once listening. */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.log ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const box = resolveSecretBox(config, log);
  const installations = createInstallationRepo(database.db);
  const replayStore = createReplayStore(database.db);
  const inbox = createWebhookInbox(database.db);
  const access = createAmoAccess({ config, database, box, log, metrics, fetch: opts.fetch });

  if (config.erp.kind === 'local' && config.erp.localStockCsv) {
    const summary = await importStockCsv(database.db, readFileSync(config.erp.localStockCsv, 'utf8'));
    log.info(
      { file: config.erp.localStockCsv, imported: summary.imported, rejected: summary.rejected.length },
      'local stock loaded',
    );
  } else if (config.erp.kind === 'local' && config.demo) {
    log.info(await loadDemoData(database.db), 'demo stock and customers loaded');
  }

  const erpSettingsStore = createErpSettingsStore(database.db, box, config);
  const erp = createErpRegistry({ db: database.db, settings: erpSettingsStore, fetch: opts.fetch });
  const accountSettings = createAccountSettingsStore(database.db, {
    defaults: { skuFieldCode: config.amo.skuFieldCode },
  });
  const readers = new Map<number, LeadReader>();
  const leadReaderFor = (inst: Installation) => {
    let reader = readers.get(inst.id);
    if (!reader) {
      reader = createLeadReader(access.clientFor(inst), {
        codes: async () => {
          const { fields } = await accountSettings.get(inst.accountId);
          return { sku: fields.skuFieldCode, price: fields.priceFieldCode };
        },
        currency: 'RUB',
      });
      readers.set(inst.id, reader);
    }
    return reader;
  };

  const queue = await startQueue(database, log);
  const guard = createGuardService({
    access,
    leadReaderFor,
    erp,
    settings: accountSettings,
    store: createGuardStore(database.db, { leaseMs: opts.guardLeaseMs }),
    queue,
    log,
  });
  const customers = createCustomerService({ db: database.db, access, erp, settings: accountSettings });
  const invoices = createInvoiceService({
    db: database.db,
    access,
    leadReaderFor,
    erp,
    settings: accountSettings,
    customers,
    queue,
    installations,
    log,
  });
  const settings = createSettingsService({
    db: database.db,
    account: accountSettings,
    erpSettings: erpSettingsStore,
    erp,
    access,
    fetch: opts.fetch,
    publicUrl: config.publicUrl,
  });

  const jobs = await definePlatformJobs({
    queue,
    inbox,
    installations,
    access,
    publicUrl: config.publicUrl,
    log,
    metrics,
    handlers: [
      async (inst, events) =>
        leadReaderFor(inst).invalidate(events.filter((e) => e.entity === 'leads').map((e) => e.record.id)),
      (inst, events) => guard.handleEvents(inst, events),
      ...(opts.eventHandlers ?? []),
    ],
  });
  if (config.amo.longLivedToken) {
    const inst = await ensureLongLivedInstallation({
      token: config.amo.longLivedToken,
      base: access.accountBase({ subdomain: config.amo.subdomain ?? '', domain: 'amocrm.ru' }),
      installations,
      fetch: opts.fetch,
    });
    log.info(
      { accountId: inst.accountId, subdomain: inst.subdomain },
      'installation ready (long-lived token)',
    );
    // Subscribe once per destination (idempotent at amoCRM too): hooks drive the guard.
    await queue.send(
      JOBS.install,
      { installationId: inst.id, accountId: inst.accountId },
      { key: `install-${inst.accountId}-${config.publicUrl.origin}` },
    );
  }

  await queue.define<{ accountId: number; items: EnforceItem[] }>({
    name: GUARD_JOB,
    handler: async ({ accountId, items }) => {
      const inst = await installations.findActive(accountId);
      if (inst) await guard.enforceItems(inst, items);
    },
  });
  void resendTakenJobs(queue, GUARD_JOB, randomUUID()).catch((err: unknown) =>
    log.warn({ err }, 're-enqueue of unfinished guard jobs failed'),
  );
  await queue.define<object>({
    name: 'guard.recheck',
    concurrency: 1,
    handler: async () => {
      for (const inst of await installations.listActive()) await guard.recheckShort(inst);
    },
  });
  await queue.schedule('guard.recheck', '*/5 * * * *');
  await queue.define<{ requestId: string }>({
    name: INVOICE_JOB,
    retryLimit: INVOICE_RETRIES,
    retryDelaySeconds: 2,
    retryDelayMaxSeconds: 120,
    handler: ({ requestId }, meta) => invoices.process(requestId, meta),
  });
  const app = createApp({
    log,
    metrics,
    auth: { secret: config.amo.clientSecret, audience: config.audience, installations, replayStore },
    corsExtraOrigins: config.corsExtraOrigins,
    async readiness() {
      const checks: Record<string, unknown> = {};
      let ready = true;
      try {
        await database.ping();
        checks.database = { status: 'ok', kind: database.kind };
      } catch (err) {
        ready = false;
        checks.database = { status: 'down', detail: (err as Error).message };
      }
      if (ready) {
        const blocked = (await installations.listActive()).filter(
          (i) => i.circuitOpenUntil && i.circuitOpenUntil > new Date(),
        );
        checks.amocrm = blocked.length
          ? {
              status: 'degraded',
              blockedAccounts: blocked.map((i) => ({
                accountId: i.accountId,
                until: i.circuitOpenUntil,
                reason: i.circuitReason,
              })),
            }
          : { status: 'ok' };
        checks.webhooks = await inbox.counts();
      }
      return { ready, checks };
    },
    oauth: {
      clientSecret: config.amo.clientSecret,
      clientId: config.amo.clientId,
      exchangeCode: (account, code) => access.oauth.exchangeCode(access.accountBase(account), code),
      install: createInstaller({ access, installations, fetch: opts.fetch }),
      afterInstall: async (inst) =>
        void (await queue.send(JOBS.install, { installationId: inst.id, accountId: inst.accountId })),
      disable: installations.disable,
      log,
    },
    webhooks: {
      findByHookKey: installations.findByHookKey,
      inbox,
      onStored: (ids) =>
        void jobs
          .enqueueEvents(ids)
          .catch((err: unknown) => log.warn({ err }, 'enqueue failed; the sweeper will retry')),
      log,
      metrics,
    },
    leadStockDeps: async (inst) => ({
      leads: leadReaderFor(inst),
      erp: await erp.forAccount(inst.accountId),
      warehouseIds: (await accountSettings.get(inst.accountId)).guard.warehouseIds ?? undefined,
    }),
    guard,
    invoices,
    customers,
    settings,
  });

  // Decisions a crash interrupted are finished once their lease runs out (even if no event comes).
  const recovery = setInterval(
    () => {
      installations
        .listActive()
        .then(async (list) => {
          for (const inst of list) await guard.recoverInterrupted(inst);
        })
        .catch((err: unknown) => log.warn({ err }, 'guard recovery failed'));
    },
    Math.max(1000, opts.guardLeaseMs ?? 30_000),
  );
  recovery.unref();

  const purge = setInterval(() => {
    replayStore.purgeExpired().catch((err: unknown) => log.warn({ err }, 'jti purge failed'));
  }, 60_000);
  purge.unref();

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info({ port, database: database.kind }, 'erp-bridge listening');

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    services: {
      database,
      installations,
      inbox,
      access,
      queue,
      metrics,
      erp,
      erpSettings: erpSettingsStore,
      accountSettings,
      reconcile: jobs.reconcile,
      guard,
      invoices,
      customers,
    },
    async close() {
      clearInterval(purge);
      clearInterval(recovery);
      jobs.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.stop();
      await database.close();
    },
  };
}
