import { journalCsvName } from '@erp-bridge/shared';
import type { JournalFilter, OperatorApi } from './operator-api.js';

/** Hands a text to the browser as a file download (an object URL on a transient link). */
export function saveTextFile(text: string, name: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/**
 * The CSV button: the whole filtered journal from the server (GET /api/v1/journal.csv), not the
 * ≤ 200 rows on screen. The request needs amoCRM's X-Auth-Token, which only $authorizedAjax adds,
 * so a plain link cannot fetch it: the text comes through the API client and is saved as a Blob.
 */
export async function downloadJournalCsv(
  api: Pick<OperatorApi, 'journalCsv'>,
  filter: JournalFilter,
  save: (text: string, name: string) => void = saveTextFile,
) {
  const text = await api.journalCsv(filter);
  save(text, journalCsvName(new Date()));
}
