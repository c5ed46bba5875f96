import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from '@erp-bridge/server';
import { openDatabase } from '@erp-bridge/server/db';
import { importStockCsv } from '@erp-bridge/server/local-stock';

/** `pnpm stock:import <file.csv> [--store <id>]`: loads the embedded stock store from CSV. */
async function main() {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const storeFlag = args.indexOf('--store');
  const storeId = storeFlag >= 0 ? args[storeFlag + 1] : undefined;
  if (!file) {
    console.error('usage: pnpm stock:import <file.csv> [--store <id>]');
    process.exit(2);
  }
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const summary = await importStockCsv(database.db, readFileSync(file, 'utf8'), {
      storeId,
      onProgress: (done, total) => process.stdout.write(`\r  imported ${done}/${total} rows`),
    });
    process.stdout.write('\n');
    console.log(`  ${summary.imported} rows: ${summary.skus} SKUs in ${summary.warehouses} warehouses`);
    if (summary.rejected.length) {
      console.log(`  ${summary.rejected.length} rows rejected:`);
      for (const r of summary.rejected) console.log(`    line ${r.line}: ${r.reason}`);
      process.exitCode = 1;
    }
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `stock import failed: ${(err as Error).message}`);
  process.exit(1);
});
