import { type JournalEntry, journalCsv } from '@erp-bridge/shared';
import { describe, expect, it } from 'vitest';
import type { AjaxOptions, JqThenable } from '../api-client.js';
import { downloadJournalCsv } from './journal-csv.js';
import { createOperatorApi } from './operator-api.js';

const entry = (id: number): JournalEntry => ({
  id,
  at: '2026-12-01T10:00:00.000Z',
  direction: 'out',
  system: 'erp',
  method: 'GET',
  path: '/entity/product',
  status: 503,
  latencyMs: 12,
  attempt: 1,
  requestId: null,
  jobId: null,
  widgetRequestId: null,
  leadId: 1002,
});

/** $authorizedAjax as the host gives it: the calls it saw, and one fixed outcome. */
function host(answer: { text: string } | { status: number; problem: object }) {
  const seen: AjaxOptions[] = [];
  const ajax = (options: AjaxOptions): JqThenable => {
    seen.push(options);
    return {
      // biome-ignore lint/suspicious/noThenProperty: a jqXHR is a thenable.
      then: (done, fail) =>
        void setTimeout(() =>
          'text' in answer
            ? done(answer.text)
            : fail({ status: answer.status, responseJSON: answer.problem }),
        ),
    };
  };
  return { ajax, seen };
}

describe('the journal CSV button', () => {
  it('downloads every row the filter matches from the server, not the page on screen', async () => {
    // More rows than the settings page lists (200): the server's export is the file.
    const text = journalCsv(Array.from({ length: 750 }, (_, i) => entry(1000 - i)));
    const { ajax, seen } = host({ text });
    const saved: { text: string; name: string }[] = [];
    await downloadJournalCsv(
      createOperatorApi('https://bridge.example', ajax),
      { hours: 168, errors: true, leadId: 1002 },
      (t, name) => saved.push({ text: t, name }),
    );
    expect(seen).toHaveLength(1);
    const url = new URL(seen[0]?.url ?? '');
    expect(url.origin + url.pathname).toBe('https://bridge.example/api/v1/journal.csv');
    expect(Object.fromEntries(url.searchParams)).toEqual({ hours: '168', errors: '1', leadId: '1002' });
    // The body is CSV, not JSON; $authorizedAjax adds the X-Auth-Token a plain link could not.
    expect(seen[0]?.dataType).toBe('text');
    expect(seen[0]?.method).toBe('GET');
    expect(saved).toHaveLength(1);
    expect(saved[0]?.text).toBe(text);
    expect(saved[0]?.text.split('\r\n').filter(Boolean)).toHaveLength(751);
    expect(saved[0]?.name).toMatch(/^erp-bridge-journal-\d{4}-\d{2}-\d{2}\.csv$/);
  });

  it('asks without a deal when none is set, and saves nothing when the server refuses', async () => {
    const { ajax, seen } = host({
      status: 403,
      problem: { type: 'about:blank', title: 'Forbidden', status: 403, code: 'auth.forbidden' },
    });
    const saved: string[] = [];
    const failure = await downloadJournalCsv(
      createOperatorApi('https://bridge.example', ajax),
      { hours: 24, errors: false },
      (t) => saved.push(t),
    ).catch((err: unknown) => err);
    expect(new URL(seen[0]?.url ?? '').searchParams.toString()).toBe('hours=24&errors=0');
    expect(failure).toMatchObject({ kind: 'http', status: 403, code: 'auth.forbidden' });
    expect(saved).toEqual([]);
  });
});
