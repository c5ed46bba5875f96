import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createAmoClient } from './amocrm/client.js';
import { createReplayStore } from './amocrm/disposable-token/replay-store.js';
import { accountUrl, createInstallationRepo, type Installation } from './amocrm/installations.js';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase } from './db/open.js';
import { createLocalConnector } from './erp/local/connector.js';
import { importStockCsv } from './erp/local/csv-import.js';
import { createLogger, type Logger } from './log.js';

export const DEMO_STOCK_CSV = join(dirname(fileURLToPath(import.meta.url)), 'erp/local/demo-stock.csv');

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Opens storage, prepares the installation, and serves the app. Resolves once it is listening. */
export async function startServer(
  config: Config,
  log: Logger = createLogger(config.logLevel),
): Promise<RunningServer> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const installations = createInstallationRepo(database.db);
  const replayStore = createReplayStore(database.db);

  const stockCsv = config.erp.localStockCsv ?? (config.demo ? DEMO_STOCK_CSV : undefined);
  if (config.erp.kind === 'local' && stockCsv) {
    const summary = await importStockCsv(database.db, readFileSync(stockCsv, 'utf8'));
    log.info(
      { file: stockCsv, imported: summary.imported, rejected: summary.rejected.length },
      'local stock loaded',
    );
  }

  const amoClientFor = (inst: Pick<Installation, 'subdomain' | 'domain'>) =>
    createAmoClient({
      baseUrl: config.amo.apiBase ?? accountUrl(inst),
      // Full OAuth token storage arrives with the platform layer; a private integration's long-lived token works now.
      getAccessToken: async () => {
        if (!config.amo.longLivedToken) throw new Error('no amoCRM access token configured');
        return config.amo.longLivedToken;
      },
      log,
    });

  if (config.amo.longLivedToken) {
    const account = await amoClientFor({
      subdomain: config.amo.subdomain ?? 'unknown',
      domain: 'amocrm.ru',
    }).account();
    if (!account) throw new Error('amoCRM did not return the account for the long-lived token');
    const inst = await installations.upsert({
      accountId: account.id,
      subdomain: account.subdomain,
      domain: 'amocrm.ru',
    });
    log.info(
      { accountId: inst.accountId, subdomain: inst.subdomain },
      'installation ready (long-lived token)',
    );
  }

  const erp = createLocalConnector(database.db);
  const app = createApp({
    log,
    clientSecret: config.amo.clientSecret,
    audience: config.audience,
    corsExtraOrigins: config.corsExtraOrigins,
    installations,
    replayStore,
    pingDatabase: database.ping,
    leadStockDeps: (inst) => ({
      amo: amoClientFor(inst),
      erp,
      codes: { sku: config.amo.skuFieldCode, price: 'PRICE' },
      currency: 'RUB',
    }),
  });

  const purge = setInterval(() => {
    replayStore.purgeExpired().catch((err) => log.warn({ err }, 'jti purge failed'));
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
    async close() {
      clearInterval(purge);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}
