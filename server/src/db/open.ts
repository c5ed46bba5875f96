import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { migrationsApplied, NEWEST_APPLIED_SQL } from './migrations-state.js';
import * as schema from './schema.js';
import { trySessionLock, type Unlock } from './session-lock.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The embedded engine (pg-boss runs on it through its PGlite adapter). */
  pglite?: PGlite;
  /** PostgreSQL connection string (pg-boss opens its own pool). */
  connectionString?: string;
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  /**
   * PostgreSQL only (instances share it): a lock held across instances while the caller works,
   * freed by the server if the holder dies (session-lock.ts). PGlite has one process: none needed.
   */
  trySessionLock?(space: number, key: number): Promise<Unlock | null>;
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const migrationsFolder = join(here, 'migrations');
/** A migrated, empty data directory made by `pnpm build` (scripts/build.ts): copied, it spares a fresh start initdb. */
export const PGLITE_TEMPLATE = join(here, '../../dist/pglite-template');

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
];

/** Advisory lock key held while migrating PostgreSQL (any constant unique to this app). */
const MIGRATION_LOCK = 0x65727062; // "erpb"

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite directory, or 'memory://' (tests). */
  dataDir: string;
  /** PostgreSQL pool size (default 10). */
  poolMax?: number;
  /** Copy PGLITE_TEMPLATE into an empty dataDir (default true). */
  useTemplate?: boolean;
  /** Called as each opening phase ends (the start-up clock: runtime/startup-clock.ts). */
  mark?(phase: string): void;
}

/** Opens PostgreSQL when a URL is given, else embedded PGlite in dataDir ('memory://' for tests), and migrates. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolMax ?? 10 });
    // An idle client can be cut off (server restart, failover); the pool replaces it. Without a
    // listener, that error would crash the process.
    pool.on('error', () => {});
    const db = drizzlePg({ client: pool, schema });
    const newestApplied = async () => (await pool.query(NEWEST_APPLIED_SQL)).rows[0]?.at;
    opts.mark?.('db.connect');
    // Migrations only go forward: a database that has the newest needs no lock and no migrator.
    if (!(await migrationsApplied(migrationsFolder, newestApplied))) {
      // Instances starting together migrate one after another, not into each other's half-made tables.
      const lock = await pool.connect();
      try {
        await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await migratePg(db, { migrationsFolder });
      } finally {
        await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
        lock.release();
      }
    }
    opts.mark?.('db.migrations');
    return {
      db: db as unknown as Db,
      kind: 'postgres',
      connectionString: opts.databaseUrl,
      ping: async () => void (await pool.query('select 1')),
      trySessionLock: (space, key) => trySessionLock(pool, space, key),
      close: () => pool.end(),
    };
  }
  const inMemory = opts.dataDir.startsWith('memory://');
  const dir = inMemory ? opts.dataDir : join(opts.dataDir, 'pglite');
  if (!inMemory) {
    mkdirSync(opts.dataDir, { recursive: true });
    const template = opts.useTemplate !== false && existsSync(join(PGLITE_TEMPLATE, 'PG_VERSION'));
    if (template && !existsSync(dir)) {
      // Copied beside, then renamed: a start killed mid-copy leaves no half a database behind.
      const partial = `${dir}.partial-${process.pid}`;
      rmSync(partial, { recursive: true, force: true });
      cpSync(PGLITE_TEMPLATE, partial, { recursive: true });
      renameSync(partial, dir);
      opts.mark?.('db.template-copy');
    }
  }
  const client = new PGlite(dir, {
    startParams: [...PGlite.defaultStartParams, ...PGLITE_MEMORY_PARAMS.flatMap((p) => ['-c', p])],
  });
  await client.waitReady;
  opts.mark?.('db.pglite-init');
  yieldBeforeStatements(client);
  const db = drizzlePglite({ client, schema });
  const newestApplied = async () => (await client.query<{ at: unknown }>(NEWEST_APPLIED_SQL)).rows[0]?.at;
  if (!(await migrationsApplied(migrationsFolder, newestApplied)))
    await migratePglite(db, { migrationsFolder });
  opts.mark?.('db.migrations');
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    pglite: client,
    ping: async () => void (await client.query('select 1')),
    close: () => client.close(),
  };
}

/**
 * PGlite runs a statement synchronously on this thread and settles its promise in a microtask,
 * so a chain of awaited statements (a start-up phase, a job batch, a burst of hook inserts) never
 * lets the event loop poll its sockets: /healthz, hook acks and widget reads wait for the whole
 * chain. Each statement first yields one turn of the loop (setImmediate runs after the poll
 * phase), in call order, so the order of statements is kept and answers interleave.
 */
function yieldBeforeStatements(client: PGlite) {
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const query = client.query.bind(client);
  const exec = client.exec.bind(client);
  const transaction = client.transaction.bind(client);
  client.query = (async (...args: Parameters<typeof query>) => {
    await turn();
    return query(...args);
  }) as typeof client.query;
  client.exec = async (...args) => {
    await turn();
    return exec(...args);
  };
  client.transaction = (async (...args: Parameters<typeof transaction>) => {
    await turn();
    return transaction(...args);
  }) as typeof client.transaction;
}
