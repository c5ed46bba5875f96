import { describe, expect, it } from 'vitest';
import type { JournalEntry } from './journal.js';
import { JOURNAL_CSV_COLUMNS, journalCsv } from './operator-api.js';

const entry = (over: Partial<JournalEntry>): JournalEntry => ({
  id: 1,
  at: '2026-12-02T04:00:00.000Z',
  direction: 'out',
  system: 'erp',
  method: 'GET',
  path: '/entity/product',
  status: 200,
  latencyMs: 12,
  attempt: 1,
  requestId: null,
  jobId: null,
  widgetRequestId: null,
  leadId: null,
  ...over,
});

describe('the journal as CSV (server export and settings button alike)', () => {
  it('writes the header, one CRLF line per entry, and empty cells for nulls', () => {
    const lines = journalCsv([entry({}), entry({ id: 2, leadId: 1002 })]).split('\r\n');
    expect(lines[0]).toBe(JOURNAL_CSV_COLUMNS.join(','));
    expect(lines[1]).toBe('1,2026-12-02T04:00:00.000Z,out,erp,GET,/entity/product,200,12,1,,,,');
    expect(lines[2]?.endsWith(',1002')).toBe(true);
    expect(lines.at(-1)).toBe('');
  });

  it('never lets a spreadsheet run a cell as a formula, and quotes commas and quotes', () => {
    const csv = journalCsv([entry({ path: '=HYPERLINK("x")', requestId: '-1+1', jobId: 'a,b' })]);
    const row = csv.split('\r\n')[1] ?? '';
    expect(row).toContain(`"'=HYPERLINK(""x"")"`);
    expect(row).toContain("'-1+1");
    expect(row).toContain('"a,b"');
  });
});
