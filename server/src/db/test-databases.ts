import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, expect } from 'vitest';
import { type Database, openDatabase } from './open.js';

/** Whether this run is CI's: what a test needs must be there, a skip is a failure. */
export const inCI = process.env.CI === 'true' || process.env.CI === '1';

/**
 * The test PostgreSQL (TEST_DATABASE_URL, an admin URL; .ci/run starts one): its URL, or undefined
 * where a PostgreSQL test may skip. With CI=true a missing one throws: there a skip would hide the
 * suite that proves the product on what production runs.
 */
export function postgresForTests(): string | undefined {
  const url = process.env.TEST_DATABASE_URL || undefined;
  if (inCI && !url) throw new Error('CI requires TEST_DATABASE_URL (a real PostgreSQL); .ci/run starts one');
  return url;
}

// Loading this module under CI without PostgreSQL fails at once (testBackends would skip it).
const adminUrl = postgresForTests();

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

const dropAtEnd: (() => Promise<void>)[] = [];

/**
 * Registered when a test file imports this module (vitest evaluates modules afresh per file), so
 * it is the file's first afterAll and runs last (after-hooks run as a stack): what the file still
 * connects is closed by then.
 * Not where no vitest runner is: a dynamic import inside a running test (the hook would never run)
 * or a process a test spawned (VITEST is inherited, the runner is not).
 */
function dropAtFileEnd(): boolean {
  if (!process.env.VITEST) return false;
  try {
    if (expect.getState().currentTestName !== undefined) return false;
    afterAll(async () => {
      for (const drop of dropAtEnd.splice(0).reverse()) await drop();
    });
    return true;
  } catch {
    return false;
  }
}
const dropsRegistered = dropAtFileEnd();

/**
 * The URL of an empty database of its own on the test PostgreSQL, dropped once the test file is
 * done (`keep` leaves it, to look at after a failure). Skip the test first where
 * postgresForTests() says there is none.
 */
export async function freshDatabase(opts: { keep?: boolean } = {}): Promise<string> {
  if (!adminUrl) throw new Error('freshDatabase() needs TEST_DATABASE_URL: skip with postgresForTests()');
  if (!dropsRegistered)
    throw new Error('freshDatabase() is for a test file importing test-databases statically');
  const fresh = await freshPostgresDatabase(adminUrl);
  if (!opts.keep) dropAtEnd.push(fresh.drop);
  return fresh.url;
}

/** A fresh database opened (and migrated), dropped on close; for tests that need two connections to one database. */
export async function createPostgresDatabase(url: string): Promise<Database> {
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

/**
 * The storage backends a storage test must pass on: embedded PGlite always, and real PostgreSQL
 * when postgresForTests() has one. Each open() gets a fresh database, dropped on close.
 */
export interface TestBackend {
  name: 'pglite' | 'postgres';
  open(): Promise<Database>;
}

export const testBackends: TestBackend[] = [
  { name: 'pglite', open: () => openDatabase({ dataDir: 'memory://' }) },
  ...(adminUrl ? [{ name: 'postgres' as const, open: () => createPostgresDatabase(adminUrl) }] : []),
];
