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
] as const satisfies readonly (keyof import('./journal.js').JournalEntry)[];

/** The CSV export's file name for a moment. */
export const journalCsvName = (at: Date) => `erp-bridge-journal-${at.toISOString().slice(0, 10)}.csv`;
