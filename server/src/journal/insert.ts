import type { Database } from '../db/open.js';
import { JOURNAL_COLUMNS, type JournalRow } from './row.js';

/** Writes a batch of journal rows in one statement. */
export type JournalInsert = (rows: readonly JournalRow[]) => Promise<void>;

/** COPY's text format: a backslash, tab, newline or CR inside a value is written as its escape. */
const copyText = (v: string) => (/[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, copyEscape) : v);
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const copyEscape = (c: string) => COPY_ESCAPES[c] ?? c;
const copyCell = (v: string | number | null) =>
  v === null ? '\\N' : typeof v === 'number' ? String(v) : copyText(v);

/**
 * One COPY per batch on both engines (db/copy-in.ts): no SQL expression per row and nothing to
 * parse but the values. scripts/bench/journal.ts measured json_to_recordset at about 1.5× COPY's
 * CPU per row on PGlite; on PostgreSQL COPY also replaced one unnest of 13 array parameters.
 */
export function createJournalInsert(database: Pick<Database, 'copyIn'>): JournalInsert {
  return async (rows) => {
    let data = '';
    for (const row of rows) {
      for (let i = 0; i < row.length; i++) data += (i ? '\t' : '') + copyCell(row[i] as JournalRow[number]);
      data += '\n';
    }
    await database.copyIn('exchange_journal', JOURNAL_COLUMNS, data);
  };
}
