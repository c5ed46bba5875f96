import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from './open.js';

/**
 * The storage backends a storage test must pass on: embedded PGlite always, and real PostgreSQL
 * when TEST_DATABASE_URL is set (.ci/run starts one). With CI=true a missing PostgreSQL fails.
 * Each open() gets a fresh database, dropped on close.
 */
export interface TestBackend {
  name: 'pglite' | 'postgres';
  open(): Promise<Database>;
}

const adminUrl = process.env.TEST_DATABASE_URL;
const ci = process.env.CI === 'true' || process.env.CI === '1';

if (ci && !adminUrl) {
  throw new Error('CI requires TEST_DATABASE_URL (a real PostgreSQL); .ci/run starts one');
}

/** An empty database of its own on the test server, and a way to drop it. */
export async function freshPostgresDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `erpb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return {
    url: dbUrl.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

async function openFreshPostgres(url: string): Promise<Database> {
  const fresh = await freshPostgresDatabase(url);
  const database = await openDatabase({ databaseUrl: fresh.url, dataDir: 'unused' });
  return {
    ...database,
    async close() {
      await database.close();
      await fresh.drop();
    },
  };
}

/** Opens a fresh database of one backend; also exported for tests that need two connections to one database. */
export async function createPostgresDatabase(url: string) {
  return openFreshPostgres(url);
}

export const testBackends: TestBackend[] = [
  { name: 'pglite', open: () => openDatabase({ dataDir: 'memory://' }) },
  ...(adminUrl ? [{ name: 'postgres' as const, open: () => openFreshPostgres(adminUrl) }] : []),
];
