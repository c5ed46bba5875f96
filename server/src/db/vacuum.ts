import type { EmbeddedEngine } from './pglite-thread.js';

/** PostgreSQL's own autovacuum trigger, at its defaults: 50 rows plus a fifth of the live ones. */
const DEAD_ROWS = 50;
const DEAD_SHARE = 0.2;

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * The embedded database's vacuum. PGlite runs PostgreSQL single-user, with no autovacuum, so
 * the rows that updates and deletes leave behind (the inbox's stamps, purged jtis and journal
 * rows, finished jobs) would stay and every table would only grow. Each table past PostgreSQL's
 * own autovacuum trigger is vacuumed and analysed in a statement of its own, so one pass never
 * holds the event loop for all of them at once. Returns the tables vacuumed.
 */
export async function vacuumEmbedded(pglite: EmbeddedEngine): Promise<string[]> {
  const { rows } = await pglite.query<{ schema: string; name: string }>(
    `select schemaname as schema, relname as name from pg_stat_user_tables
     where n_dead_tup > $1::int + $2::float8 * n_live_tup order by n_dead_tup desc`,
    [DEAD_ROWS, DEAD_SHARE],
  );
  const vacuumed: string[] = [];
  for (const { schema, name } of rows) {
    await pglite.exec(`vacuum (analyze) ${quoted(schema)}.${quoted(name)}`);
    vacuumed.push(`${schema}.${name}`);
  }
  return vacuumed;
}
