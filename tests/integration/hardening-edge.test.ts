import { randomBytes } from 'node:crypto';
import { webhookBodies, webhookInbox } from '@erp-bridge/server/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withResilience } from '../../server/src/erp/resilient.js';
import { expectWellFormed, MB, pool, retainedHeap } from '../fuzz/support.js';
import { type Stack, startStack } from '../support/stack.js';
import { amoHookUrl } from '../support/stack-state.js';
import { widgetCall } from '../support/widget-api.js';

const ACCOUNT = 31000001;
const OPS_TOKEN = 'hardening-ops-token-0123456789';
let stack: Stack;
let hookUrl: string;

beforeAll(async () => {
  stack = await startStack({ env: { METRICS_TOKEN: OPS_TOKEN } });
  hookUrl = await amoHookUrl(stack, ACCOUNT);
});
afterAll(() => stack?.close());

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const stored = async () => {
  const db = stack.server.services.database.db;
  return {
    bodies: (await db.select().from(webhookBodies)).length,
    events: (await db.select().from(webhookInbox)).length,
  };
};
const widget = (method: string, path: string, body?: string, admin = false) =>
  widgetCall(stack.backend, method, path, { rawBody: body, user: { userId: 7, isAdmin: admin } });

describe('hostile keys and ids cost no memory (issue 9.1)', () => {
  // The full 50k / 20k over HTTP runs in `pnpm bench hostile`; here the bulk goes straight to the
  // lookups the routes use, and a sample goes over HTTP through the whole edge.
  it('50k random 8 KB hook keys and 2k plausible unknown ones leave the heap within a bound', async () => {
    const { installations } = stack.server.services;
    const post = async (key: string) => {
      const res = await fetch(`${stack.backend}/webhooks/amocrm/${key}`, {
        method: 'POST',
        headers: form,
        body: `leads[update][0][id]=1&account[id]=${ACCOUNT}`,
      });
      await res.arrayBuffer();
      return res.status;
    };
    await pool(200, 16, async () => void (await post(randomBytes(24).toString('base64url'))));
    const before = await retainedHeap();
    await pool(50_000, 64, async () => {
      expect(await installations.findByHookKey(randomBytes(6 * 1024).toString('base64url'))).toBeUndefined();
    });
    await pool(2_000, 16, async () => {
      expect(await installations.findByHookKey(randomBytes(24).toString('base64url'))).toBeUndefined();
    });
    await pool(500, 32, async () => {
      expect(await post(randomBytes(6 * 1024).toString('base64url'))).toBe(404);
    });
    const growth = (await retainedHeap()) - before;
    expect(growth).toBeLessThan(30 * MB);
    expect(await post(new URL(hookUrl).pathname.split('/').pop() ?? '')).not.toBe(404);
  }, 120_000);

  it('20k random customer ids leave the heap within a bound, even when the ERP finds every one', async () => {
    // The ERP result cache in front of an ERP that answers any id with a 4 KB summary: what an
    // unbounded cache would keep (20k x 4 KB) is far above the bound.
    let asked = 0;
    const erp = withResilience({
      ...(await stack.server.services.erp.forAccount(ACCOUNT)).inner,
      getCustomerSummary: async (id) => {
        asked++;
        return {
          // 4 KB of its own per customer (a repeated string would be shared, not kept per entry).
          customer: { id, name: randomBytes(2048).toString('hex'), inn: null, phone: null, email: null },
          balance: null,
          recentOrders: [],
          recentInvoices: [],
          link: null,
        };
      },
    });
    const choose = async (customerId: string) => {
      const res = await widget('POST', '/api/v1/contacts/2001/customer', JSON.stringify({ customerId }));
      await res.arrayBuffer();
      return res.status;
    };
    await pool(100, 16, async () => void (await choose(randomBytes(30).toString('base64url'))));
    const before = await retainedHeap();
    await pool(
      20_000,
      32,
      async () => void (await erp.getCustomerSummary(randomBytes(70).toString('base64url'))),
    );
    expect(asked).toBe(20_000);
    // And a sample through the whole edge, the card's "this is the customer" call.
    await pool(300, 16, async () => {
      expect(await choose(randomBytes(70).toString('base64url'))).toBe(404);
    });
    const growth = (await retainedHeap()) - before;
    expect(growth).toBeLessThan(30 * MB);
  }, 120_000);
});

describe('NUL and invalid text never reach the database (issue 9.4)', () => {
  it('answers 400 problem+json and stores nothing for NUL, bad UTF-8 and lone surrogates in hooks', async () => {
    const before = await stored();
    const inst = await stack.server.services.installations.findActive(ACCOUNT);
    const cases: [string, Promise<Response>][] = [
      [
        'NUL in a field',
        fetch(hookUrl, {
          method: 'POST',
          headers: form,
          body: `leads[update][0][id]=1&leads[update][0][name]=a%00b&account[id]=${ACCOUNT}`,
        }),
      ],
      [
        'raw NUL byte',
        fetch(hookUrl, {
          method: 'POST',
          headers: form,
          body: `leads[update][0][id]=1&leads[update][0][name]=a\u0000b&account[id]=${ACCOUNT}`,
        }),
      ],
      [
        'encoded surrogate',
        fetch(hookUrl, {
          method: 'POST',
          headers: form,
          body: `leads[update][0][id]=1&leads[update][0][name]=%ED%A0%80&account[id]=${ACCOUNT}`,
        }),
      ],
      [
        'not UTF-8',
        fetch(hookUrl, { method: 'POST', headers: form, body: new Uint8Array([0x61, 0x3d, 0xff, 0xfe]) }),
      ],
      [
        'NUL in the hook key',
        fetch(`${stack.backend}/webhooks/amocrm/${inst?.hookKey}%00`, {
          method: 'POST',
          headers: form,
          body: `account[id]=${ACCOUNT}`,
        }),
      ],
      [
        'NUL in the DP hook key',
        fetch(`${stack.backend}/webhooks/dp/%00${inst?.hookKey}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }),
      ],
      ['NUL in a query', fetch(`${stack.backend}/oauth/callback?code=a%00&referer=x.amocrm.ru`)],
    ];
    for (const [what, pending] of cases) {
      const res = await pending;
      expect(res.status, what).toBeGreaterThanOrEqual(400);
      await expectWellFormed(res, what);
    }
    expect(await stored()).toEqual(before);
  });

  it('refuses a NUL or a lone surrogate in a customerId with 400, never a 5xx with SQL', async () => {
    for (const body of [
      '{"customerId":"a\\u0000b"}',
      '{"customerId":"\\ud800"}',
      '{"customerId":"ok","\\u0000":1}',
    ]) {
      const res = await widget('POST', '/api/v1/contacts/2001/customer', body);
      expect(res.status, body).toBe(400);
      await expectWellFormed(res, body);
    }
    const settings = await widget('PUT', '/api/v1/settings', '{"guard":{"tag":"a\\u0000"}}', true);
    expect(settings.status).toBe(400);
  });
});

describe('the ERP circuit (issue 9.5)', () => {
  it("a non-admin's six calls with invalid customer ids do not block stock reads", async () => {
    for (const customerId of ['a\u0000', 'nope', '../../x', 'x'.repeat(100), '\ud800', '%00']) {
      const res = await widget('POST', '/api/v1/contacts/2001/customer', JSON.stringify({ customerId }));
      expect(res.status).toBeLessThan(500);
      await res.arrayBuffer();
    }
    const erp = await stack.server.services.erp.forAccount(ACCOUNT);
    expect(erp.circuitState()).toBe('closed');
    const stock = await widget('GET', '/api/v1/leads/1001/stock');
    expect(stock.status).toBe(200);
  });
});

describe('retention and the event cap (issue 9.9)', () => {
  it('refuses a body with more events than the cap whole, with 413 problem+json, storing nothing', async () => {
    const before = await stored();
    const events = Array.from({ length: 1001 }, (_, i) => `leads[update][${i}][id]=${i + 1}`).join('&');
    const res = await fetch(hookUrl, {
      method: 'POST',
      headers: form,
      body: `${events}&account[id]=${ACCOUNT}`,
    });
    expect(res.status).toBe(413);
    await expectWellFormed(res, 'too many events');
    expect(await stored()).toEqual(before);
  });

  it('purges processed events and their bodies after the retention period, keeping what is unprocessed', async () => {
    const { inbox } = stack.server.services;
    const stamp = Date.now();
    const event = (id: number) => ({
      entity: 'leads',
      action: 'update',
      record: { id, last_modified: stamp },
      dedupeKey: `${ACCOUNT}:retention:${stamp}:${id}`,
    });
    const done = await inbox.store(ACCOUNT, 'processed body', [event(1), event(2)]);
    const open = await inbox.store(ACCOUNT, 'unprocessed body', [event(3)]);
    await inbox.markProcessed(done.ids);
    const day = 86_400_000;
    // 13 days later nothing is old enough; 15 days later the processed ones go.
    expect(await inbox.purgeExpired(14, new Date(Date.now() + 13 * day))).toEqual({ events: 0, bodies: 0 });
    const purged = await inbox.purgeExpired(14, new Date(Date.now() + 15 * day));
    expect(purged.events).toBeGreaterThanOrEqual(2);
    expect(await inbox.get(done.ids[0] ?? -1)).toBeUndefined();
    expect(await inbox.get(open.ids[0] ?? -1)).toBeDefined();
    const bodies = (await stack.server.services.database.db.select().from(webhookBodies)).map((b) => b.body);
    expect(bodies).not.toContain('processed body');
    expect(bodies).toContain('unprocessed body');
  });
});

describe('/metrics and /readyz detail (issue 9.10)', () => {
  it('needs the bearer token; without it /readyz says its status only and /healthz stays open', async () => {
    expect((await fetch(`${stack.backend}/healthz`)).status).toBe(200);
    const bare = await fetch(`${stack.backend}/readyz`);
    expect(await bare.json()).toEqual({ status: 'ready' });
    const wrong = await fetch(`${stack.backend}/readyz`, { headers: { authorization: 'Bearer nope' } });
    expect(await wrong.json()).toEqual({ status: 'ready' });
    const ops = { headers: { authorization: `Bearer ${OPS_TOKEN}` } };
    expect((await (await fetch(`${stack.backend}/readyz`, ops)).json()).checks.database.status).toBe('ok');

    const metrics = await fetch(`${stack.backend}/metrics`);
    expect(metrics.status).toBe(401);
    await expectWellFormed(metrics, '/metrics without token');
    const withToken = await fetch(`${stack.backend}/metrics`, ops);
    expect(withToken.status).toBe(200);
    expect(await withToken.text()).toContain('erpb_');
  });
});
