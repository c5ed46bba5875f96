import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MoySkladStack, startMoySkladStack } from '../support/moysklad-stack.js';
import { TEST_SECRET } from '../support/stack.js';
import { enableGuard, inboxDrained, webhookSubscribed } from '../support/stack-state.js';
import { until } from '../support/wait.js';
import { widgetToken } from '../support/widget-api.js';

/**
 * The request journal sees a whole guard enforcement: the hook amoCRM sent, the amoCRM reads and
 * writes, the ERP reads; every row is attributed to the account, none carries a secret.
 */
const ACCOUNT = 31000001;
const PIPELINE = 8001;
const INVOICED = 80013;
const MOYSKLAD_TOKEN = 'journal-moysklad-token-5d1e9c';
let stack: MoySkladStack;
const tokensUsed: string[] = [];

const widget = async (path: string, admin = true) => {
  const token = await widgetToken(stack.backend, { userId: 5, isAdmin: admin });
  tokensUsed.push(token);
  return fetch(`${stack.backend}${path}`, { headers: { 'X-Auth-Token': token } });
};

beforeAll(async () => {
  stack = await startMoySkladStack(MOYSKLAD_TOKEN, { emulator: { rateLimitPerSecond: 7 } });
  await webhookSubscribed(stack);
  await enableGuard(stack, ACCOUNT, [{ pipelineId: PIPELINE, statusId: INVOICED }], {
    action: { type: 'move_back' },
  });
});
afterAll(() => stack?.close());

describe('request journal', () => {
  it('records a full guard enforcement end to end, with no secret in any row', async () => {
    const before = stack.emulator.state.leads.get(1002)?.statusId;
    expect(stack.emulator.state.uiMoveLead(1002, INVOICED).ok).toBe(true);
    await stack.emulator.webhooks.flush();
    await until(() => stack.emulator.state.leads.get(1002)?.statusId === before, 'deal moved back');
    await inboxDrained(stack);

    const res = await widget('/api/v1/journal?hours=1&limit=500');
    expect(res.status).toBe(200);
    const page = await res.json();
    const rows = page.entries as {
      system: string;
      direction: string;
      method: string;
      path: string;
      jobId: string | null;
      status: number;
    }[];
    // The hook in, then the guard's amoCRM reads and the PATCH moving the deal back, and the ERP's stock read.
    expect(
      rows.some(
        (r) => r.system === 'webhook' && r.direction === 'in' && r.path === '/webhooks/amocrm/:hookKey',
      ),
    ).toBe(true);
    expect(
      rows.some(
        (r) => r.system === 'amocrm' && r.method === 'PATCH' && r.path.startsWith('/api/v4/leads') && r.jobId,
      ),
    ).toBe(true);
    expect(rows.some((r) => r.system === 'amocrm' && r.method === 'GET' && r.jobId)).toBe(true);
    expect(rows.some((r) => r.system === 'erp' && r.direction === 'out' && r.status === 200)).toBe(true);

    // Everything in the table, for every account: no token, key or secret anywhere.
    const all = JSON.stringify(
      await stack.server.services.database.db.execute('select * from exchange_journal' as never),
    );
    const inst = await stack.server.services.installations.findActive(ACCOUNT);
    const secrets = [
      stack.accessToken,
      MOYSKLAD_TOKEN,
      TEST_SECRET,
      inst?.hookKey ?? 'missing',
      ...tokensUsed,
    ];
    for (const secret of secrets) expect(all).not.toContain(secret);
    expect(all).not.toContain('?');
  });

  it('lists errors only and by deal, exports CSV, and refuses non-admins', async () => {
    const byDeal = await (await widget('/api/v1/journal?hours=1&leadId=1002')).json();
    expect(byDeal.entries.length).toBeGreaterThan(0);
    expect(byDeal.entries.every((e: { leadId: number }) => e.leadId === 1002)).toBe(true);
    // The stock read itself takes the failure (a background read must not consume it), and the
    // journal is written in batches: wait for the row rather than read once.
    stack.moysklad.faults.failNext(1, 500, { pathIncludes: '/report/stock' });
    await widget('/api/v1/leads/1003/stock?refresh=1');
    const errorsOnly = async () => (await (await widget('/api/v1/journal?hours=1&errors=1')).json()).entries;
    await until(async () => (await errorsOnly()).length > 0, 'the failed stock read in the journal');
    const errors = { entries: await errorsOnly() };
    expect(errors.entries.every((e: { status: number }) => e.status === 0 || e.status >= 400)).toBe(true);
    const csv = await widget('/api/v1/journal.csv?hours=1');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe(
      'id,at,direction,system,method,path,status,latencyMs,attempt,requestId,jobId,widgetRequestId,leadId',
    );
    expect(text.split('\r\n').length).toBeGreaterThan(3);
    expect((await widget('/api/v1/journal', false)).status).toBe(403);
    expect((await widget('/api/v1/journal?hours=0')).status).toBe(400);
  });

  it('keeps a widget read that reached the ERP, and leaves out the reads the cache answered', async () => {
    const path = '/api/v1/leads/1001/stock';
    const widgetRows = async () => {
      await stack.server.services.operator.journalWriter.flush();
      const page = await (await widget('/api/v1/journal?hours=1&limit=500&leadId=1001')).json();
      return (page.entries as { system: string; path: string; widgetRequestId: string | null }[]).filter(
        (e) => e.system === 'widget' && e.path === path,
      );
    };
    const erpCalls = stack.moysklad.calls.length;
    expect((await widget(`${path}?refresh=1`)).status).toBe(200);
    expect(stack.moysklad.calls.length).toBeGreaterThan(erpCalls);
    const afterMiss = await widgetRows();
    expect(afterMiss).toHaveLength(1);
    for (let i = 0; i < 3; i++) expect((await widget(path)).status).toBe(200);
    expect(await widgetRows()).toHaveLength(1);
  });

  it('exports the whole filtered journal as CSV, far past one page of the screen', async () => {
    // More rows than the old export's cap (10 000) and many pages of the stream.
    const rows = 10_500;
    const writer = stack.server.services.operator.journalWriter;
    const at = Date.now();
    for (let i = 0; i < rows; i++)
      writer.observe({
        at,
        direction: 'out',
        system: 'erp',
        accountId: ACCOUNT,
        method: 'GET',
        path: `/entity/product/${i}`,
        status: 503,
        latencyMs: 1,
        attempt: 1,
        leadId: 4242,
      });
    await writer.flush();
    const res = await widget('/api/v1/journal.csv?hours=1&errors=1&leadId=4242');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="erp-bridge-journal-/);
    const lines = (await res.text()).split('\r\n').filter(Boolean);
    expect(lines[0]?.startsWith('id,at,')).toBe(true);
    expect(lines).toHaveLength(rows + 1);
    const ids = lines.slice(1).map((l) => Number(l.split(',')[0]));
    expect(new Set(ids).size).toBe(rows);
    // Newest first, as on screen, with no page repeated or skipped at the seams.
    expect(ids.every((id, i) => i === 0 || id < (ids[i - 1] as number))).toBe(true);
    // The filter still holds: another deal's rows are not in it.
    const other = await (await widget('/api/v1/journal.csv?hours=1&errors=1&leadId=4243')).text();
    expect(other.split('\r\n').filter(Boolean)).toHaveLength(1);
  });
});
