import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { type CopyIn, postgresCopyIn } from './copy-in.js';
import { migrationsApplied, NEWEST_APPLIED_SQL } from './migrations-state.js';
import { postgresNamed, type RunNamed } from './named-statement.js';
import type { EmbeddedEngine } from './pglite-thread.js';
import * as schema from './schema.js';
import { trySessionLock, type Unlock } from './session-lock.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The embedded engine, on its own thread (pg-boss runs on it through its PGlite adapter). */
  pglite?: EmbeddedEngine;
  /** PostgreSQL connection string (pg-boss opens its own pool). */
  connectionString?: string;
  /** Bulk load in COPY's text format (the request journal's rows). */
  copyIn: CopyIn;
  /** A hot statement parsed once per engine or connection, then only bound (named-statement.ts). */
  named: RunNamed;
  /**
   * Embedded only: settles when the engine is gone for good (its thread crashed). PostgreSQL's
   * pool reconnects on its own, so it has none.
   */
  lost?: Promise<Error>;
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
      copyIn: postgresCopyIn(pool),
      named: postgresNamed(pool),
      ping: async () => void (await pool.query('select 1')),
      trySessionLock: (space, key) => trySessionLock(pool, space, key),
      close: () => pool.end(),
    };
  }
  // Loaded only here: a process on PostgreSQL (every web instance) never loads PGlite's module.
  const { openPglite } = await import('./open-pglite.js');
  return openPglite(opts, { migrationsFolder, template: PGLITE_TEMPLATE });
}
