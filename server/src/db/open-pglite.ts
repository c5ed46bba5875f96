import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { someoneWaits } from '../lib/answer-lane.js';
import { pgliteCopyIn } from './copy-in.js';
import { migrationsApplied, NEWEST_APPLIED_SQL } from './migrations-state.js';
import type { Database, Db, OpenOptions } from './open.js';
import { serveAnswersFirst } from './pglite-lanes.js';
import { PgliteThread } from './pglite-thread.js';
import * as schema from './schema.js';

/**
 * PostgreSQL's defaults assume a server of its own (128 MB shared buffers, 64 MB maintenance
 * memory); inside our process they are WASM memory that never shrinks. The embedded database holds
 * a few MB of hot rows, so small buffers cost nothing measurable (scripts/bench/startup.ts and
 * widget-api.ts report RSS).
 */
export const PGLITE_MEMORY_PARAMS = [
  'shared_buffers=16MB',
  'work_mem=2MB',
  'temp_buffers=2MB',
  'maintenance_work_mem=16MB',
  'wal_buffers=1MB',
  // A new 16 MB WAL segment is otherwise written full of zeros first, synchronously in the engine:
  // at the journal's write rate that was a 20-50 ms stall every few seconds. The price: the space
  // is not reserved ahead, so a full disk fails a later WAL write instead of the segment's creation.
  'wal_init_zero=off',
];

/**
 * The embedded database (open.ts imports this module only when no DATABASE_URL is set): PGlite in
 * <dataDir>/pglite, copied from the build's migrated template when new, then migrated.
 */
export async function openPglite(
  opts: OpenOptions,
  paths: { migrationsFolder: string; template: string },
): Promise<Database> {
  const inMemory = opts.dataDir.startsWith('memory://');
  const dir = inMemory ? opts.dataDir : join(opts.dataDir, 'pglite');
  if (!inMemory) {
    mkdirSync(opts.dataDir, { recursive: true });
    const template = opts.useTemplate !== false && existsSync(join(paths.template, 'PG_VERSION'));
    if (template && !existsSync(dir)) {
      // Copied beside, then renamed: a start killed mid-copy leaves no half a database behind.
      const partial = `${dir}.partial-${process.pid}`;
      rmSync(partial, { recursive: true, force: true });
      cpSync(paths.template, partial, { recursive: true });
      renameSync(partial, dir);
      opts.mark?.('db.template-copy');
    }
  }
  const client = await PgliteThread.start({
    dir,
    startParams: [...PGlite.defaultStartParams, ...PGLITE_MEMORY_PARAMS.flatMap((p) => ['-c', p])],
  });
  opts.mark?.('db.pglite-init');
  serveAnswersFirst(client, { urgent: someoneWaits });
  // Drizzle calls query and transaction only, which the thread's client answers as PGlite does.
  const db = drizzlePglite({ client: client as unknown as PGlite, schema });
  const newestApplied = async () => (await client.query<{ at: unknown }>(NEWEST_APPLIED_SQL)).rows[0]?.at;
  if (!(await migrationsApplied(paths.migrationsFolder, newestApplied)))
    await migratePglite(db, { migrationsFolder: paths.migrationsFolder });
  opts.mark?.('db.migrations');
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    pglite: client,
    lost: client.lost,
    copyIn: pgliteCopyIn(client),
    named: (statement, values) => client.named(statement, values),
    ping: async () => void (await client.query('select 1')),
    close: () => client.close(),
  };
}
