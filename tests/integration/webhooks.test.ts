import { webhookBodies, webhookInbox } from '@erp-bridge/server/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.js';
import { until } from '../support/wait.js';

let stack: Stack;
let hookUrl: string;
const seen: string[] = [];

beforeAll(async () => {
  stack = await startStack({
    eventHandlers: [
      async (_inst, events) => void seen.push(...events.map((e) => `${e.entity}.${e.action}.${e.record.id}`)),
    ],
  });
  const inst = await stack.server.services.installations.findActive(31000001);
  if (!inst) throw new Error('demo installation missing');
  // Ingestion only: the guard (on by default) would write, and its writes bring hooks of their own.
  await stack.server.services.accountSettings.update(31000001, { guard: { enabled: false } });
  hookUrl = `${stack.backend}/webhooks/amocrm/${inst.hookKey}`;
});
afterAll(() => stack?.close());

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const post = (url: string, body: string, headers: Record<string, string> = form) =>
  fetch(url, { method: 'POST', body, headers });
const storedCounts = async () => {
  const db = stack.server.services.database.db;
  return {
    bodies: (await db.select().from(webhookBodies)).length,
    events: (await db.select().from(webhookInbox)).length,
  };
};

describe('amoCRM webhook ingestion', () => {
  it('refuses malformed, oversized, foreign-account and unknown-key hooks with 4xx and stores nothing', async () => {
    const before = await storedCounts();
    const cases: [string, Response][] = [
      [
        'unknown key',
        await post(
          `${stack.backend}/webhooks/amocrm/not-a-key`,
          'leads[update][0][id]=1&account[id]=31000001',
        ),
      ],
      ['no account', await post(hookUrl, 'leads[update][0][id]=1')],
      ['bad id', await post(hookUrl, 'leads[update][0][id]=abc&account[id]=31000001')],
      ['foreign account', await post(hookUrl, 'leads[update][0][id]=1&account[id]=999')],
      [
        'json body',
        await post(hookUrl, '{"account":{"id":31000001}}', { 'content-type': 'application/json' }),
      ],
    ];
    for (const [name, res] of cases) {
      expect(res.status, name).toBeGreaterThanOrEqual(400);
      expect(res.status, name).toBeLessThan(500);
      expect(res.headers.get('content-type'), name).toBe('application/problem+json');
    }
    expect(cases.map(([, r]) => r.status)).toEqual([404, 400, 400, 403, 415]);
    expect(await storedCounts()).toEqual(before);
  });

  it('stores a valid hook, answers 204, and hands each event to the handlers exactly once despite re-delivery', async () => {
    const body =
      'leads[status][0][id]=1001&leads[status][0][status_id]=80013&leads[status][0][old_status_id]=80012&leads[status][0][pipeline_id]=8001&leads[status][0][last_modified]=1763900000' +
      '&leads[update][0][id]=1002&leads[update][0][last_modified]=1763900001&account[id]=31000001&account[subdomain]=erpbridgedemo';
    const first = await post(hookUrl, body);
    expect(first.status).toBe(204);
    const again = await post(hookUrl, body);
    expect(again.status).toBe(204);
    await until(() => seen.length >= 2);
    await new Promise((r) => setTimeout(r, 500));
    expect(seen.sort()).toEqual(['leads.status.1001', 'leads.update.1002']);
    const counts = await storedCounts();
    expect(counts.events).toBe(2);
    expect(counts.bodies).toBe(2);
  });

  it('refuses an oversized body with 413 and stores nothing', async () => {
    const before = await storedCounts();
    // The server closes this connection after the 413; nothing else may share it.
    const res = await fetch(hookUrl, {
      method: 'POST',
      body: `account[id]=31000001&pad=${'x'.repeat(600 * 1024)}`,
      headers: form,
      keepalive: false,
    }).catch(() => undefined);
    if (res) expect(res.status).toBe(413);
    expect(await storedCounts()).toEqual(before);
  });

  it('counts events rejected at parse (impossible ids) in erpb_webhooks_received_total{result="rejected"} and stores the rest', async () => {
    const body =
      'leads[update][0][id]=0&leads[update][0][last_modified]=1763900100' +
      '&leads[update][1][id]=-1&leads[update][1][last_modified]=1763900101' +
      '&leads[update][2][id]=1003&leads[update][2][last_modified]=1763900102&account[id]=31000001';
    expect((await post(hookUrl, body)).status).toBe(204);
    await until(() => seen.includes('leads.update.1003'));
    const metrics = await (await fetch(`${stack.backend}/metrics`)).text();
    expect(metrics).toMatch(/erpb_webhooks_received_total\{result="rejected"\} 2\b/);
  });
});
