import type { JournalEntry } from './journal.js';

/**
 * Plain constants of the operator API, kept apart from the zod schemas so the widget can import them
 * without pulling zod into script.js. Its paths are in the route table (contract/operator-routes.ts).
 */
export const JOURNAL_CSV_COLUMNS = [
  'id',
  'at',
  'direction',
  'system',
  'method',
  'path',
  'status',
  'latencyMs',
  'attempt',
  'requestId',
  'jobId',
  'widgetRequestId',
  'leadId',
] as const satisfies readonly (keyof JournalEntry)[];

/** The CSV export's file name for a moment. */
export const journalCsvName = (at: Date) => `erp-bridge-journal-${at.toISOString().slice(0, 10)}.csv`;

/**
 * The journal as RFC 4180 CSV, the same text from the server's export and the settings page's
 * button. A cell starting with = + - @ (or a tab / CR) is prefixed with ' so a spreadsheet never
 * runs it as a formula.
 */
export function journalCsv(entries: readonly JournalEntry[]): string {
  const cell = (v: unknown) => {
    let s = v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [JOURNAL_CSV_COLUMNS.join(',')];
  for (const e of entries) lines.push(JOURNAL_CSV_COLUMNS.map((k) => cell(e[k])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
