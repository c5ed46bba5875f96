import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, WON_STATUS_ID } from '../seed.js';
import { auth, send, testEmulator } from '../test-helpers.js';
import { encodeAmoWebhookBody } from './encode.js';

// biome-ignore lint/suspicious/noExplicitAny: test reads loosely typed JSON
type Json = any;

const HOOK = 'https://backend.example/webhooks/amocrm/secret-key';

/** A fetch that records bodies and answers the statuses given, then 200. */
function fakeFetch(statuses: number[] = []) {
  const bodies: { url: string; body: string; type: string | null }[] = [];
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    bodies.push({ url: String(input), body: String(init?.body), type: headers.get('content-type') });
    return new Response(null, { status: statuses.shift() ?? 200 });
  }) as typeof fetch;
  return { fn, bodies };
}

describe('encodeAmoWebhookBody', () => {
  it('writes amoCRM bracket keys, + for spaces, account last', () => {
    const body = encodeAmoWebhookBody(
      [
        {
          entity: 'leads',
          action: 'status',
          record: { id: 1, status_id: 142, name: 'Две сделки', tags: [{ id: 5, name: 'a b' }] },
        },
        { entity: 'leads', action: 'status', record: { id: 2, status_id: 143, flag: true, none: null } },
        { entity: 'leads', action: 'update', record: { id: 1 } },
      ],
      { id: 31000001, subdomain: 'erpbridgedemo' },
    );
    expect(body).toContain('+');
    expect(body).not.toContain('%20');
    const params = new URLSearchParams(body);
    expect(params.get('leads[status][0][id]')).toBe('1');
    expect(params.get('leads[status][0][name]')).toBe('Две сделки');
    expect(params.get('leads[status][0][tags][0][name]')).toBe('a b');
    expect(params.get('leads[status][1][status_id]')).toBe('143');
    expect(params.get('leads[status][1][flag]')).toBe('1');
    expect(params.get('leads[status][1][none]')).toBe('');
    expect(params.get('leads[update][0][id]')).toBe('1');
    expect(params.get('account[_links][self]')).toBe('https://erpbridgedemo.amocrm.ru');
    expect([...params.keys()].at(-1)).toBe('account[_links][self]');
  });
});

describe('webhook sender', () => {
  it('registers hooks idempotently per destination and deletes them', async () => {
    const { app } = testEmulator();
    await app.request('/api/v4/webhooks', send('POST', { destination: HOOK, settings: ['update_lead'] }));
    const again: Json = await (
      await app.request(
        '/api/v4/webhooks',
        send('POST', { destination: HOOK, settings: ['status_lead', 'add_lead'] }),
      )
    ).json();
    expect(again.settings).toEqual(['status_lead', 'add_lead']);
    const list: Json = await (await app.request('/api/v4/webhooks', { headers: auth })).json();
    expect(list._embedded.webhooks).toHaveLength(1);
    expect(
      (await app.request('/api/v4/webhooks', send('POST', { destination: HOOK, settings: ['nope'] }))).status,
    ).toBe(400);
    expect((await app.request('/api/v4/webhooks', send('DELETE', { destination: HOOK }))).status).toBe(204);
    expect((await app.request('/api/v4/webhooks', { headers: auth })).status).toBe(204);
  });

  it('posts status_lead and update_lead for an API stage change, in amoCRM format', async () => {
    const fake = fakeFetch();
    const { app, webhooks, state } = testEmulator({ fetch: fake.fn });
    await app.request(
      '/api/v4/webhooks',
      send('POST', { destination: HOOK, settings: ['status_lead', 'update_lead'] }),
    );
    await app.request('/api/v4/leads/1001', send('PATCH', { tags_to_add: [{ name: 'vip клиент' }] }));
    await app.request('/api/v4/leads/1001', send('PATCH', { status_id: WON_STATUS_ID }));
    await webhooks.flush();

    expect(fake.bodies).toHaveLength(2);
    expect(fake.bodies[0]?.type).toBe('application/x-www-form-urlencoded');
    const tagged = new URLSearchParams(fake.bodies[0]?.body);
    expect(tagged.get('leads[update][0][tags][0][name]')).toBe('vip клиент');
    expect(fake.bodies[0]?.body).toContain('vip+');
    expect(tagged.has('leads[status][0][id]')).toBe(false);

    const moved = new URLSearchParams(fake.bodies[1]?.body);
    expect(moved.get('leads[status][0][id]')).toBe('1001');
    expect(moved.get('leads[status][0][status_id]')).toBe(String(WON_STATUS_ID));
    expect(moved.get('leads[status][0][old_status_id]')).toBe('80012');
    expect(moved.get('leads[status][0][pipeline_id]')).toBe(String(DEMO_ACCOUNT.pipelineId));
    expect(moved.get('leads[status][0][old_pipeline_id]')).toBe(String(DEMO_ACCOUNT.pipelineId));
    expect(moved.get('leads[status][0][modified_user_id]')).toBe(String(DEMO_ACCOUNT.adminUserId));
    expect(moved.get('leads[status][0][account_id]')).toBe(String(DEMO_ACCOUNT.id));
    expect(Number(moved.get('leads[status][0][last_modified]'))).toBe(state.leads.get(1001)?.updatedAt);
    expect(moved.get('leads[update][0][id]')).toBe('1001');
    expect(moved.get('account[id]')).toBe(String(DEMO_ACCOUNT.id));
    expect(moved.get('account[subdomain]')).toBe(DEMO_ACCOUNT.subdomain);
    expect(state.webhookDeliveries.map((d) => [d.destination, d.status, d.attempt])).toEqual([
      [HOOK, 200, 1],
      [HOOK, 200, 1],
    ]);
  });

  it('carries custom fields and sends add_lead for created leads', async () => {
    const fake = fakeFetch();
    const { app, webhooks } = testEmulator({ fetch: fake.fn });
    await app.request('/api/v4/webhooks', send('POST', { destination: HOOK, settings: ['add_lead'] }));
    await app.request(
      '/api/v4/leads',
      send('POST', [
        { name: 'Новая', custom_fields_values: [{ field_id: 720001, values: [{ value: 'Сайт' }] }] },
      ]),
    );
    await webhooks.flush();
    const params = new URLSearchParams(fake.bodies[0]?.body);
    expect(params.get('leads[add][0][name]')).toBe('Новая');
    expect(params.get('leads[add][0][custom_fields][0][id]')).toBe('720001');
    expect(params.get('leads[add][0][custom_fields][0][name]')).toBe('Источник');
    expect(params.get('leads[add][0][custom_fields][0][values][0][value]')).toBe('Сайт');
  });

  it('retries failures with backoff and records every attempt', async () => {
    const fake = fakeFetch([500, 503]);
    const { app, webhooks, state } = testEmulator({ fetch: fake.fn, webhookRetryBaseMs: 5 });
    await app.request('/api/v4/webhooks', send('POST', { destination: HOOK, settings: ['update_lead'] }));
    await app.request('/api/v4/leads/1002', send('PATCH', { name: 'retry me' }));
    await webhooks.flush();
    expect(state.webhookDeliveries.map((d) => [d.status, d.attempt])).toEqual([
      [500, 1],
      [503, 2],
      [200, 3],
    ]);
  });

  it('queues until flush() when autoDeliverWebhooks is off; send() posts arbitrary events', async () => {
    const fake = fakeFetch();
    const { app, webhooks } = testEmulator({ fetch: fake.fn, autoDeliverWebhooks: false });
    await app.request('/api/v4/webhooks', send('POST', { destination: HOOK, settings: ['update_lead'] }));
    await app.request('/api/v4/leads/1002', send('PATCH', { name: 'later' }));
    await new Promise((r) => setTimeout(r, 10));
    expect(fake.bodies).toHaveLength(0);
    expect(webhooks.pending).toBe(1);
    await webhooks.flush();
    expect(fake.bodies).toHaveLength(1);

    const delivery = await webhooks.send(HOOK, [
      { entity: 'leads', action: 'update', record: { id: 1003, name: 'burst' } },
    ]);
    expect(delivery.status).toBe(200);
    expect(new URLSearchParams(fake.bodies[1]?.body).get('leads[update][0][name]')).toBe('burst');
  });

  it('times out a slow destination after webhookTimeoutMs', async () => {
    const slow = ((_: unknown, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new Error('timeout')));
      })) as typeof fetch;
    const { webhooks } = testEmulator({ fetch: slow, webhookTimeoutMs: 30, webhookRetries: 0 });
    const delivery = await webhooks.send(HOOK, [{ entity: 'leads', action: 'update', record: { id: 1 } }]);
    expect(delivery.status).toBe(0);
    expect(delivery.error).toBeDefined();
  });
});

describe('UI simulation and required_statuses', () => {
  it('refuses a UI move into a stage whose required field is empty; the API move goes through', async () => {
    const fake = fakeFetch();
    const { app, state, webhooks } = testEmulator({ fetch: fake.fn });
    await app.request('/api/v4/webhooks', send('POST', { destination: HOOK, settings: ['status_lead'] }));
    await app.request(
      '/api/v4/leads/custom_fields',
      send('PATCH', [
        { id: 720002, required_statuses: [{ pipeline_id: DEMO_ACCOUNT.pipelineId, status_id: 80013 }] },
      ]),
    );
    const refused = state.uiMoveLead(1002, 80013);
    expect(refused).toEqual({ ok: false, reason: expect.stringContaining('Номер счёта') });
    expect(state.leads.get(1002)?.statusId).toBe(80011);
    expect(state.uiCreateLead({ name: 'x', status_id: 80013 }).ok).toBe(false);

    await app.request(
      '/api/v4/leads/1002',
      send('PATCH', { custom_fields_values: [{ field_id: 720002, values: [{ value: 'СЧ-7' }] }] }),
    );
    expect(state.uiMoveLead(1002, 80013)).toEqual({ ok: true, leadId: 1002 });
    await webhooks.flush();
    const params = new URLSearchParams(fake.bodies.at(-1)?.body);
    expect(params.get('leads[status][0][status_id]')).toBe('80013');
    expect(params.get('leads[status][0][modified_user_id]')).toBe(String(DEMO_ACCOUNT.userId));

    // API moves are not blocked (UNCONFIRMED in amoCRM), unless apiHonoursRequiredStatuses.
    expect((await app.request('/api/v4/leads/1003', send('PATCH', { status_id: 80013 }))).status).toBe(200);
    state.config.apiHonoursRequiredStatuses = true;
    expect((await app.request('/api/v4/leads/1004', send('PATCH', { status_id: 80012 }))).status).toBe(200);
    const blocked = await app.request('/api/v4/leads/1004', send('PATCH', { status_id: 80013 }));
    expect(blocked.status).toBe(400);
    expect((await blocked.json())['validation-errors'][0].errors[0].code).toBe('FieldIsRequired');
  });
});
