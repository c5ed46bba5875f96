import { createOperatorHealth } from '../alerts/health.js';
import { createInstaller, createUninstaller } from '../amocrm/install.js';
import type { AppDeps } from '../app.js';
import type { Config } from '../config.js';
import { createCustomerSearch } from '../customers/search.js';
import { JOBS } from '../jobs/platform-jobs.js';
import type { Logger } from '../log.js';
import type { CoreServices } from './services.js';

/** What the web app (createApp) is built from: the services, bound to this process's config. */
export function webAppDeps(
  s: CoreServices,
  config: Config,
  parts: {
    log: Logger;
    fetch?: typeof fetch;
    readiness: AppDeps['readiness'];
    /** Hands stored webhook events to the queue (once it is up). */
    enqueue(ids: readonly number[]): void;
  },
): AppDeps {
  const { log, fetch, readiness, enqueue } = parts;
  return {
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
  };
}
