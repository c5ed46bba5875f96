import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Bulk load: rows already in COPY's text format (tab-separated, `\N` for null, one row a line)
 * into the named columns. COPY is each engine's cheapest way in: no SQL expression or array to
 * parse per row. Table and columns are the caller's constants, never input.
 */
export type CopyIn = (table: string, columns: readonly string[], data: string) => Promise<void>;

const statement = (table: string, columns: readonly string[], source: string) =>
  `copy ${table} (${columns.join(', ')}) from ${source}`;

/** PGlite reads COPY's data from a Blob (https://pglite.dev/docs/api#query-options, `blob`). */
export function pgliteCopyIn(client: {
  query(sql: string, params: unknown[], options: { blob: Blob }): Promise<unknown>;
}): CopyIn {
  return async (table, columns, data) => {
    await client.query(statement(table, columns, "'/dev/blob'"), [], { blob: new Blob([data]) });
  };
}

/**
 * PostgreSQL: COPY … FROM STDIN on a pooled connection (pg-copy-streams speaks the protocol's
 * CopyData messages; https://www.postgresql.org/docs/current/sql-copy.html). A connection whose
 * COPY failed mid-stream is discarded, not handed back half-way through the protocol.
 */
export function postgresCopyIn(pool: pg.Pool): CopyIn {
  return async (table, columns, data) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      const stream = client.query(copyFrom(statement(table, columns, 'stdin')));
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.on('finish', resolve);
        stream.end(data);
      });
    } catch (err) {
      broken = err as Error;
      throw err;
    } finally {
      client.release(broken);
    }
  };
}
