import type pg from 'pg';

/**
 * A statement the hot path runs hundreds of times a second (the jti claim). Each engine parses
 * and plans it once under its name, and every later call only binds text values: on PGlite that
 * was most of the claim's cost (docs/performance.md, session 9). The name must be unique to its
 * text in the process; text comes from the caller's constants, never from input.
 */
export interface NamedStatement {
  name: string;
  text: string;
}

/** Runs a named statement with text values (null as SQL NULL); its rows' columns as text. */
export type RunNamed = (
  statement: NamedStatement,
  values: readonly (string | null)[],
) => Promise<(string | null)[][]>;

/**
 * PostgreSQL: node-postgres prepares a named query once per pooled connection and binds it after
 * (https://node-postgres.com/features/queries#prepared-statements). Rows as arrays, columns as
 * text: the same answer as the embedded engine's.
 */
export function postgresNamed(pool: pg.Pool): RunNamed {
  const asText = { getTypeParser: () => (value: string) => value };
  return async (statement, values) => {
    const result = await pool.query<(string | null)[]>({
      name: statement.name,
      text: statement.text,
      values: [...values],
      rowMode: 'array',
      types: asText,
    });
    return result.rows;
  };
}
