import { renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger } from '@erp-bridge/server';
import { openDatabase, PGLITE_TEMPLATE } from '@erp-bridge/server/db';
import { startQueue } from '../server/src/jobs/queue.js';

/**
 * `pnpm build`'s last step (node server/dist/start.js --make-pglite-template): an embedded data
 * directory with initdb, our migrations and pg-boss's schema done, which openDatabase copies
 * into a fresh DATA_DIR. initdb is most of a fresh start's time and its WASM memory peak.
 */
export async function makePgliteTemplate() {
  rmSync(PGLITE_TEMPLATE, { recursive: true, force: true });
  // openDatabase puts PGlite in <dataDir>/pglite: build it there, then keep only that folder.
  const work = `${PGLITE_TEMPLATE}.work`;
  rmSync(work, { recursive: true, force: true });
  const database = await openDatabase({ dataDir: work, useTemplate: false });
  await (await startQueue(database, createLogger('silent'))).stop();
  await database.close();
  renameSync(`${work}/pglite`, PGLITE_TEMPLATE);
  rmSync(work, { recursive: true, force: true });
  console.log(`pglite template written to ${PGLITE_TEMPLATE} (under ${dirname(PGLITE_TEMPLATE)})`);
}
