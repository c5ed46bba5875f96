import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import type { Db } from '../db/open.js';
import { importStockCsv } from '../erp/local/csv-import.js';
import { loadDemoData } from '../erp/local/demo-data.js';
import type { Logger } from '../log.js';

/** The embedded stock store's data at start: LOCAL_STOCK_CSV, else the demo's stock and customers. */
export async function loadStockData(db: Db, config: Config, log: Logger) {
  if (config.erp.kind !== 'local') return;
  if (config.erp.localStockCsv) {
    const summary = await importStockCsv(db, readFileSync(config.erp.localStockCsv, 'utf8'));
    log.info(
      { file: config.erp.localStockCsv, imported: summary.imported, rejected: summary.rejected.length },
      'local stock loaded',
    );
  } else if (config.demo) {
    log.info(await loadDemoData(db), 'demo stock and customers loaded');
  }
}
