import { readFileSync } from 'node:fs';
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
import { importStockCsv } from '../erp/local/csv-import.js';
import { loadDemoData } from '../erp/local/demo-data.js';
import { createErpRegistry } from '../erp/registry.js';
import { createErpSettingsStore } from '../erp/settings.js';
import { createGuardService } from '../guard/service.js';
import { createGuardStore } from '../guard/store.js';
import { createInvoiceService } from '../invoices/service.js';
import { startQueue } from '../jobs/queue.js';
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
}

/**
 * Storage, the queue and every domain service, the same in every role: a web instance needs the
 * guard and invoices to answer the widget, a worker needs them to run jobs.
 */
export async function createServices(config: Config, { log, fetch, guardLeaseMs }: ServiceOptions) {
  const metrics = createMetrics();
  /** Milliseconds per start-up phase, logged with "erp-bridge listening" (scripts/bench/startup.ts reads them). */
  const startup: Record<string, number> = {};
  let t = performance.now();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    // A web instance's queries are short; a worker's jobs hold connections longer.
    poolMax: config.role === 'web' ? 6 : 10,
  });
  startup.database = Math.round(performance.now() - t);
  const box = resolveSecretBox(config, log);
  const installations = createInstallationRepo(database.db);
  const replayStore = createReplayStore(database.db);
  const inbox = createWebhookInbox(database.db);
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
  });

  t = performance.now();
  if (config.erp.kind === 'local' && config.erp.localStockCsv) {
    const summary = await importStockCsv(database.db, readFileSync(config.erp.localStockCsv, 'utf8'));
    log.info(
      { file: config.erp.localStockCsv, imported: summary.imported, rejected: summary.rejected.length },
      'local stock loaded',
    );
  } else if (config.erp.kind === 'local' && config.demo) {
    log.info(await loadDemoData(database.db), 'demo stock and customers loaded');
  }

  startup.stockData = Math.round(performance.now() - t);
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

  t = performance.now();
  const queue = await startQueue(database, log, {
    work: config.role !== 'web',
    onOutcome: (o) => operator.onJobOutcome(o),
  });
  startup.queue = Math.round(performance.now() - t);
  const guard = createGuardService({
    access,
    leadReaderFor,
    erp,
    settings: accountSettings,
    store: createGuardStore(database.db, { leaseMs: guardLeaseMs }),
    queue,
    log,
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
    erpSettings,
    erp,
    access,
    fetch,
    publicUrl: config.publicUrl,
  });

  return {
    startup,
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
    operator,
  };
}

export type CoreServices = Awaited<ReturnType<typeof createServices>>;
