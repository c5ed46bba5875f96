import { sql } from 'drizzle-orm';
import { arrayLiteral } from '../db/array-literal.js';
import type { Database } from '../db/open.js';
import { JOURNAL_COLUMNS, JOURNAL_TYPES, type JournalRow } from './row.js';

/** Writes a batch of journal rows in one statement. */
export type JournalInsert = (rows: readonly JournalRow[]) => Promise<void>;

const COLUMNS = JOURNAL_COLUMNS.join(', ');

/** COPY's text format: a backslash, tab, newline or CR inside a value is written as its escape. */
const copyText = (v: string) => (/[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, copyEscape) : v);
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const copyEscape = (c: string) => COPY_ESCAPES[c] ?? c;
const copyCell = (v: string | number | null) =>
  v === null ? '\\N' : typeof v === 'number' ? String(v) : copyText(v);

/**
 * PGlite runs in this process, so the journal's insert is hot-path CPU. COPY is its cheapest way
 * in: no SQL expression per row and no JSON to parse (scripts/bench/journal.ts measured
 * json_to_recordset at about 1.5× the CPU per row). PGlite takes COPY … FROM '/dev/blob' with the
 * data as a Blob (https://pglite.dev/docs/api#query-options, `blob`).
 */
function pgliteInsert(pglite: NonNullable<Database['pglite']>): JournalInsert {
  const statement = `copy exchange_journal (${COLUMNS}) from '/dev/blob'`;
  return async (rows) => {
    let data = '';
    for (const row of rows) {
      for (let i = 0; i < row.length; i++) data += (i ? '\t' : '') + copyCell(row[i] as JournalRow[number]);
      data += '\n';
    }
    await pglite.query(statement, [], { blob: new Blob([data]) });
  };
}

/**
 * On PostgreSQL the server's CPU is not ours, but the statement still travels and is parsed per
 * flush: one text for any batch size, one array parameter per column (as the replay store does),
 * instead of a placeholder per value.
 */
function postgresInsert(db: Database['db']): JournalInsert {
  return async (rows) => {
    const arrays = JOURNAL_COLUMNS.map((_, i) => {
      const items = rows.map((row) => row[i] as string | number | null);
      return sql`${arrayLiteral(items)}::${sql.raw(JOURNAL_TYPES[i] as string)}[]`;
    });
    await db.execute(
      sql`insert into exchange_journal (${sql.raw(COLUMNS)}) select * from unnest(${sql.join(arrays, sql`, `)})`,
    );
  };
}

export function createJournalInsert(database: Pick<Database, 'db' | 'pglite'>): JournalInsert {
  return database.pglite ? pgliteInsert(database.pglite) : postgresInsert(database.db);
}
