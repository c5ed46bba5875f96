import { DEMO_STOCK_CSV } from '@erp-bridge/server';
import { webhookInbox } from '@erp-bridge/server/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MultiAccountStack, startAccounts } from '../support/accounts.js';
import { until } from '../support/wait.js';

/**
 * The Digital Pipeline action from ONE static URL (manifest dp.webhook_url = <PUBLIC_URL>/webhooks/dp)
 * for every account: the body's account_id + subdomain pick the installation. Body shape per
 * https://developers.kommo.com/docs/widgets-dp (JSON); public integrations see it form-encoded.
 */
const PIPELINE = 8001;
const FIRST = 80011;
const INVOICED = 80013;
const LEAD = 1002; // GLV-NIT-L x200 with 100 free: short
const ACME = { accountId: 41000001, subdomain: 'acme' };
const BETA = { accountId: 41000002, subdomain: 'beta' };
let stack: MultiAccountStack;

const emu = (sub: string) => {
  const e = stack.accounts.get(sub);
  if (!e) throw new Error(sub);
  return e;
};
const lead = (sub: string, id = LEAD) => {
  const l = emu(sub).state.leads.get(id);
  if (!l) throw new Error(`no lead ${id}`);
  return l;
};
const inst = async (accountId: number) => {
  const i = await stack.server.services.installations.findActive(accountId);
  if (!i) throw new Error(`${accountId} not installed`);
  return i;
};
const inboxRows = async () => (await stack.server.services.database.db.select().from(webhookInbox)).length;
const dpUrl = () => `${stack.backend}/webhooks/dp`;
/** Reads of the deal in that account: by id, or in a bulk read (filter[id][]=...). */
const leadReads = (sub: string) =>
  emu(sub).calls.filter(
    (c) =>
      c.method === 'GET' &&
      (c.path === `/api/v4/leads/${LEAD}` ||
        (c.path === '/api/v4/leads' &&
          new URLSearchParams(c.query).getAll('filter[id][]').includes(String(LEAD)))),
  ).length;

function formBody(account: { accountId: number; subdomain: string }, mode?: string) {
  const p = new URLSearchParams({
    'event[type]': '15',
    'event[type_code]': 'lead_appeared_in_status',
    'event[data][id]': String(LEAD),
    'event[data][element_type]': '2',
    'event[data][status_id]': String(INVOICED),
    'event[data][pipeline_id]': String(PIPELINE),
    'event[time]': String(Math.floor(Date.now() / 1000)),
    account_id: String(account.accountId),
    subdomain: account.subdomain,
  });
  if (mode) p.set('action[settings][widget][settings][mode]', mode);
  return p.toString();
}
const jsonBody = (account: { accountId: number; subdomain: string }, mode?: string) =>
  JSON.stringify({
    event: {
      type: 15,
      type_code: 'lead_appeared_in_status',
      data: { id: LEAD, element_type: 2, status_id: INVOICED, pipeline_id: PIPELINE },
      time: Math.floor(Date.now() / 1000),
    },
    action: { settings: { widget: { settings: mode ? { mode } : {} } } },
    subdomain: account.subdomain,
    account_id: account.accountId,
  });
const postForm = (body: string) =>
  fetch(dpUrl(), { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const postJson = (body: string) =>
  fetch(dpUrl(), { method: 'POST', body, headers: { 'content-type': 'application/json' } });

beforeAll(async () => {
  stack = await startAccounts([ACME, BETA], { env: { LOCAL_STOCK_CSV: DEMO_STOCK_CSV } });
  for (const a of [ACME, BETA]) {
    expect((await stack.install(a.subdomain, { from_widget: '1' })).status).toBe(200);
    await stack.server.services.accountSettings.update(a.accountId, {
      guard: {
        enabled: true,
        gatedStages: [{ pipelineId: PIPELINE, statusId: INVOICED }],
        action: { type: 'move_to', stage: { pipelineId: PIPELINE, statusId: FIRST } },
      },
    });
    await until(() => emu(a.subdomain).state.webhooks.size > 0, `${a.subdomain} webhook subscription`);
  }
  // Both deals sit in the gated stage while short, and no amoCRM webhook told us (a lost hook):
  // only the Digital Pipeline action can catch them.
  lead('acme').statusId = INVOICED;
  lead('beta').statusId = INVOICED;
});
afterAll(() => stack?.close());

describe('Digital Pipeline from the static URL', () => {
  it('ignores an unknown account and a subdomain that does not match: 2xx, nothing stored, nothing read', async () => {
    const before = await inboxRows();
    const reads = leadReads('acme') + leadReads('beta');
    const unknown = await postJson(jsonBody({ accountId: 49999999, subdomain: 'nobody' }));
    const wrongSub = await postForm(formBody({ accountId: ACME.accountId, subdomain: 'beta' }));
    expect(unknown.status).toBe(204);
    expect(wrongSub.status).toBe(204);
    await new Promise((r) => setTimeout(r, 300));
    expect(await inboxRows()).toBe(before);
    expect(leadReads('acme') + leadReads('beta')).toBe(reads);
  });

  it('checks each account its own deal: JSON "check and move back" for one, form "check only" for the other', async () => {
    const acmeReads = leadReads('acme');
    const betaReads = leadReads('beta');
    expect((await postJson(jsonBody(ACME))).status).toBe(204);
    expect((await postForm(formBody(BETA, 'check'))).status).toBe(204);

    const latest = async (accountId: number) =>
      (await stack.server.services.guard.history(await inst(accountId), LEAD)).latest;
    await until(async () => (await latest(ACME.accountId))?.cause === 'digital_pipeline', 'acme decision');
    await until(async () => (await latest(BETA.accountId))?.cause === 'digital_pipeline', 'beta decision');

    // Each decision came from a fresh read of that account's own deal.
    expect(leadReads('acme')).toBeGreaterThan(acmeReads);
    expect(leadReads('beta')).toBeGreaterThan(betaReads);
    await until(() => lead('acme').statusId === FIRST, 'acme deal moved out of the gated stage');
    // "check only": flagged where it stands, never moved.
    await until(() => lead('beta').tags.some((t) => t.name === 'Нет в наличии'), 'beta deal tagged');
    expect(lead('beta').statusId).toBe(INVOICED);
    expect((await latest(BETA.accountId))?.actions.map((a) => a.type)).not.toContain('moved');
  });

  it('takes either encoding from either account: form for the first, JSON for the second', async () => {
    const count = async (accountId: number) =>
      (await stack.server.services.guard.history(await inst(accountId), LEAD)).history.filter(
        (r) => r.cause === 'digital_pipeline',
      ).length;
    const [acmeBefore, betaBefore] = [await count(ACME.accountId), await count(BETA.accountId)];
    // The other mode than before, so the per-deal window does not fold these into the earlier calls.
    expect((await postForm(formBody(ACME, 'check'))).status).toBe(204);
    expect((await postJson(jsonBody(BETA))).status).toBe(204);
    await until(async () => (await count(ACME.accountId)) > acmeBefore, 'acme checked again (form)');
    await until(async () => (await count(BETA.accountId)) > betaBefore, 'beta checked again (JSON)');
  });

  it('coalesces a flood of forged calls for one deal into at most one re-check', async () => {
    await new Promise((r) => setTimeout(r, 50));
    const before = await inboxRows();
    const results = await Promise.all(Array.from({ length: 25 }, () => postForm(formBody(ACME, 'check'))));
    expect(results.every((r) => r.status === 204)).toBe(true);
    expect((await inboxRows()) - before).toBeLessThanOrEqual(1);
  });

  it('answers a malformed body with problem+json 400', async () => {
    const res = await postJson('{"account_id": "x"');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});
