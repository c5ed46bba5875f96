import type { Database } from './open.js';

/** /readyz's database check: it answers a query, and which kind it is. */
export async function databaseReadiness(database: Pick<Database, 'ping' | 'kind'>) {
  try {
    await database.ping();
    return { ready: true, check: { status: 'ok', kind: database.kind } };
  } catch (err) {
    return { ready: false, check: { status: 'down', detail: (err as Error).message } };
  }
}
