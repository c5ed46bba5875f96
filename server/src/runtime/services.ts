import { createAmoAccess } from '../amocrm/access.js';
import { createAccountCatalog } from '../amocrm/account-catalog.js';
import { createReplayStore } from '../amocrm/disposable-token/replay-store.js';
import { createInstallationRepo, type Installation } from '../amocrm/installations.js';
import { createLeadReader, type LeadReader } from '../amocrm/lead-products.js';
import { checkOnlySettings } from '../amocrm/webhooks/dp-check-only.js';
import { createWebhookInbox } from '../amocrm/webhooks/inbox.js';
import type { Config } from '../config.js';
import { resolveSecretBox } from '../crypto/key-file.js';
import { createCustomerService } from '../customers/service.js';
import { openDatabase } from '../db/open.js';
import { createErpRegistry } from '../erp/registry.js';
import { createErpSettingsStore } from '../erp/settings.js';
import { dealLock } from '../erp-loop/deal-lock.js';
import { createErpLoop } from '../erp-loop/service.js';
import { createGuardService } from '../guard/service.js';
import { createGuardStore } from '../guard/store.js';
import { createInvoiceService } from '../invoices/service.js';
import { createQueue } from '../jobs/queue.js';
import type { Logger } from '../log.js';
import { createMetrics } from '../metrics.js';
import { createAccountSettingsStore } from '../settings/account-settings.js';
import { createSettingsService } from '../settings/service.js';
import { createOperatorServices } from './operator.js';

export interface ServiceOptions {
  log: Logger;
  /** Injected into every outgoing amoCRM call (tests). */
  fetch?: typeof fetch;
  /** How long the guard holds a deal it enforces (default 30 s); crash tests shorten it. */
  guardLeaseMs?: number;
  /** The start-up clock's mark (runtime/startup-clock.ts). */
  mark?(phase: string): void;
}

/**
 * Storage, the queue and every domain service, the same in every role: a web instance needs the
 * guard and invoices to answer the widget, a worker needs them to run jobs.
 */
export async function createServices(config: Config, { log, fetch, guardLeaseMs, mark }: ServiceOptions) {
  const metrics = createMetrics();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    // A web instance's queries are short; a worker's jobs hold connections longer.
    poolMax: config.role === 'web' ? 6 : 10,
    mark,
  });
  const box = resolveSecretBox(config, log);
  const installations = createInstallationRepo(database.db);
  // PGlite runs one statement at a time; a PostgreSQL pool commits several at once, so a hook
  // arriving mid-commit need not wait for that commit before its own starts (ack p99). The jti
  // claims keep one in flight on both (replay-store.ts).
  const inboxInFlight = database.kind === 'postgres' ? 3 : 1;
  const replayStore = createReplayStore(database);
  const inbox = createWebhookInbox(database.db, { groupCommit: { maxInFlight: inboxInFlight } });
  // The request journal and per-account metrics see every amoCRM and ERP attempt.
  const operator = createOperatorServices({ database, box, log, metrics });
  const access = createAmoAccess({
    config,
    database,
    box,
    log,
    metrics,
    fetch,
    onExchange: operator.onExchange,
    onTokenVerdict: operator.onTokenVerdict,
  });

  const erpSettings = createErpSettingsStore(database.db, box, config);
  const erp = createErpRegistry({
    db: database.db,
    settings: erpSettings,
    fetch,
    onExchange: operator.onExchange,
  });
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

  // Started after the port opens (runtime.ts): building the services needs only its handle.
  const queue = createQueue(database, log, {
    work: config.role !== 'web',
    onOutcome: (o) => operator.onJobOutcome(o),
  });
  const customers = createCustomerService({ db: database.db, access, erp, settings: accountSettings });
  const erpLoop = createErpLoop({
    db: database.db,
    erp,
    access,
    installations,
    settings: accountSettings,
    leadReaderFor,
    customers,
    queue,
    log,
    publicUrl: config.publicUrl,
    ...(database.trySessionLock && { lockDeal: dealLock(database.trySessionLock) }),
  });
  const guard = createGuardService({
    access,
    leadReaderFor,
    erp,
    settings: accountSettings,
    store: createGuardStore(database.db, { leaseMs: guardLeaseMs }),
    queue,
    log,
    ownReserves: erpLoop.ownReserves,
  });
  // Digital Pipeline actions set to "check only": the same guard, never moving the deal.
  const guardCheckOnly = createGuardService({
    access,
    leadReaderFor,
    erp,
    settings: checkOnlySettings(accountSettings),
    store: createGuardStore(database.db, { leaseMs: guardLeaseMs }),
    queue,
    log,
  });
  const accountCatalog = createAccountCatalog({ clientFor: access.clientFor });
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
    erpSettings,
    erp,
    access,
    fetch,
    publicUrl: config.publicUrl,
  });

  mark?.('services');
  return {
    metrics,
    database,
    installations,
    replayStore,
    inbox,
    access,
    erp,
    erpSettings,
    accountSettings,
    leadReaderFor,
    queue,
    guard,
    guardCheckOnly,
    accountCatalog,
    customers,
    invoices,
    settings,
    erpLoop,
    operator,
  };
}

export type CoreServices = Awaited<ReturnType<typeof createServices>>;
