/**
 * Plain constants of the operator API, kept apart from the zod schemas so the widget can import them
 * without pulling zod into script.js.
 */
/** Paths of the operator API (admins only), shared by the server's routes and the widget's client. */
export const operatorApi = {
  journal: '/api/v1/journal',
  journalCsv: '/api/v1/journal.csv',
  alerts: '/api/v1/alerts',
  alertSettings: '/api/v1/alerts/settings',
  health: '/api/v1/operator/health',
} as const;

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
