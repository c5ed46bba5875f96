import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type StartedMoySkladEmulator, startMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { hurryRetries } from '../support/queue-clock.js';
import { type Stack, startStack, TEST_SECRET } from '../support/stack.js';
import { signDisposableToken } from '../support/tokens.js';
import { until } from '../support/wait.js';

/**
 * Each alert rule driven through the emulators' fault injection: exactly one alert per incident
 * on every channel (the admin's task in amoCRM, the signed outgoing webhook, the widget's banner
 * API), and one resolution when it clears. The clock is faked (Date only, running), so "ERP down
 * for 11 minutes" takes seconds.
 */
const ACCOUNT = 31000001;
const ADMIN_USER = 5100002; // the emulator's seeded admin
const HOOK_SECRET = 'alert-hook-secret-0f3b7c1d2e';
const MOYSKLAD_TOKEN = 'alerts-moysklad-token-7e2a';
let stack: Stack;
let moysklad: StartedMoySkladEmulator;
let receiver: Server;
let receiverUrl: string;
const received: { event: string; rule: string; message: string; alertId: number; signed: boolean }[] = [];

const widget = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const token = await signDisposableToken(TEST_SECRET, {
    iss: 'https://erpbridgedemo.amocrm.ru',
    aud: stack.backend,
    account_id: ACCOUNT,
    user_id: ADMIN_USER,
    is_admin: true,
  });
  return fetch(`${stack.backend}${path}`, {
    method,
    headers: {
      'X-Auth-Token': token,
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
};
const later = (minutes: number) => vi.setSystemTime(Date.now() + minutes * 60_000);
const evaluate = async () => {
  await stack.server.services.operator.journalWriter.flush();
  await stack.server.services.operator.alerts.evaluate();
};
const hooksFor = (rule: string, event: string) =>
  received.filter((r) => r.rule === rule && r.event === event);
const tasksMatching = (text: string) =>
  [...stack.emulator.state.tasks.values()].filter(
    (t) => t.responsibleUserId === ADMIN_USER && t.entityId === null && t.text.includes(text),
  );
const banner = async () => (await widget('GET', '/api/v1/alerts')).json();

/** One incident seen on every channel: one raise (webhook, task, banner), nothing more. */
async function expectRaised(rule: string, taskText: string) {
  await until(() => hooksFor(rule, 'alert.raised').length === 1, `${rule} webhook`, 90_000);
  await until(() => tasksMatching(`⚠: ${taskText}`).length === 1, `${rule} task`, 60_000);
  const list = await banner();
  expect(list.open.filter((a: { rule: string }) => a.rule === rule)).toHaveLength(1);
  await evaluate(); // still holding, within the hour: nothing new
  await new Promise((r) => setTimeout(r, 300));
  expect(hooksFor(rule, 'alert.raised')).toHaveLength(1);
  expect(hooksFor(rule, 'alert.repeated')).toHaveLength(0);
}

async function expectResolved(rule: string, taskText: string) {
  await until(() => hooksFor(rule, 'alert.resolved').length === 1, `${rule} resolution webhook`);
  await until(() => tasksMatching(`✓: ${taskText}`).length === 1, `${rule} resolution task`, 60_000);
  const list = await banner();
  expect(list.open.filter((a: { rule: string }) => a.rule === rule)).toHaveLength(0);
  expect(list.recent.filter((a: { rule: string }) => a.rule === rule).length).toBeGreaterThanOrEqual(1);
  await evaluate();
  await new Promise((r) => setTimeout(r, 300));
  expect(hooksFor(rule, 'alert.resolved')).toHaveLength(1);
  expect(hooksFor(rule, 'alert.raised')).toHaveLength(1);
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const expected = `sha256=${createHmac('sha256', HOOK_SECRET).update(body).digest('hex')}`;
      const payload = JSON.parse(body);
      received.push({ ...payload, signed: req.headers['x-erpb-signature'] === expected });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;
  moysklad = await startMoySkladEmulator({ token: MOYSKLAD_TOKEN });
  stack = await startStack({
    emulator: { rateLimitPerSecond: 7 },
    env: { ERP_KIND: 'moysklad', MOYSKLAD_TOKEN, MOYSKLAD_API_BASE: moysklad.url },
  });
  await until(() => stack.emulator.state.webhooks.size > 0, 'webhook subscription');
  const saved = await widget('PUT', '/api/v1/alerts/settings', {
    adminUserId: ADMIN_USER,
    webhookUrl: receiverUrl,
    webhookSecret: HOOK_SECRET,
  });
  expect(await saved.json()).toEqual({
    adminUserId: ADMIN_USER,
    webhookUrl: receiverUrl,
    webhookSecret: 'set',
  });
}, 60_000);
afterAll(async () => {
  vi.useRealTimers();
  await stack?.close();
  await moysklad?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('operator alerts', () => {
  it('ERP down 11 minutes: one alert on every channel, one resolution when it answers again', async () => {
    moysklad.faults.outage(true);
    await widget('GET', '/api/v1/leads/1001/stock?refresh=1'); // stale stock or erp.unavailable
    await evaluate();
    await new Promise((r) => setTimeout(r, 300));
    expect(hooksFor('erp_circuit_open', 'alert.raised')).toHaveLength(0); // not yet 10 minutes
    later(11);
    await evaluate();
    await expectRaised('erp_circuit_open', 'ERP');
    moysklad.faults.outage(false);
    later(1);
    await widget('GET', '/api/v1/leads/1001/stock?refresh=1');
    await evaluate();
    await expectResolved('erp_circuit_open', 'ERP');
    expect(received.every((r) => r.signed)).toBe(true);
  }, 120_000);

  it('amoCRM blocks the account (403): one alert, one resolution when the block ends', async () => {
    stack.emulator.state.limits.blockedUntil = Date.now() + 10 * 60_000;
    await widget('GET', '/api/v1/leads/1003/stock?refresh=1');
    await until(
      async () => Boolean((await stack.server.services.installations.findActive(ACCOUNT))?.circuitOpenUntil),
      'circuit persisted',
    );
    await evaluate();
    await until(() => hooksFor('amocrm_blocked', 'alert.raised').length === 1, 'blocked webhook');
    expect((await banner()).open.filter((a: { rule: string }) => a.rule === 'amocrm_blocked')).toHaveLength(
      1,
    );
    await evaluate();
    expect(hooksFor('amocrm_blocked', 'alert.raised')).toHaveLength(1);
    // amoCRM refuses everything now, so the admin's task is retried until the block ends.
    later(16);
    stack.emulator.state.limits.blockedUntil = 0;
    await evaluate();
    await expectResolved('amocrm_blocked', 'amoCRM');
    await until(() => tasksMatching('⚠: amoCRM').length === 1, 'the delayed alert task', 90_000);
  }, 180_000);

  it('webhooks silent while reconciliation finds changes: one alert, resolved when hooks arrive again', async () => {
    const subscriptions = new Map(stack.emulator.state.webhooks);
    stack.emulator.state.webhooks.clear(); // amoCRM stops sending
    const api = (path: string, method: string, body: unknown) =>
      fetch(`${stack.emulator.url}/api/v4${path}`, {
        method,
        headers: { authorization: `Bearer ${stack.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    later(20);
    await api('/leads', 'POST', [{ name: 'Silent form deal', pipeline_id: 8001, status_id: 80012 }]);
    const inst = await stack.server.services.installations.findActive(ACCOUNT);
    if (!inst) throw new Error('not installed');
    await stack.server.services.reconcile(inst);
    await evaluate();
    await expectRaised('webhooks_silent', 'Вебхуки amoCRM не приходят');
    for (const [k, v] of subscriptions) stack.emulator.state.webhooks.set(k, v);
    await api('/leads', 'POST', [{ name: 'Hooked form deal', pipeline_id: 8001, status_id: 80012 }]);
    await stack.emulator.webhooks.flush();
    await evaluate();
    await expectResolved('webhooks_silent', 'Вебхуки amoCRM');
  }, 180_000);

  it('an invoice failing five times: one job alert, resolved when the next invoice job succeeds', async () => {
    moysklad.faults.failNext(5, 500, { method: 'POST', pathIncludes: '/entity/invoiceout' });
    const body = { confirmedTotal: { amount: 2 * 8990 + 12450 + 5 * 790.5, currency: 'RUB' } };
    const first = await widget('POST', '/api/v1/leads/1001/invoices', body, {
      'Idempotency-Key': `fail-${Date.now()}`,
    });
    expect(first.status).toBe(202);
    // The attempts come due back to back instead of after pg-boss's backoff (30 to 60 s of sleep).
    const hurry = hurryRetries(stack.server.services.queue, 'invoice.create');
    try {
      await expectRaised('job_failed', 'Задание «invoice.create»');
      // Five failures in a row opened the ERP circuit (30 s pause): a minute later it tries again.
      later(1);
      const second = await widget('POST', '/api/v1/leads/1001/invoices', body, {
        'Idempotency-Key': `ok-${Date.now()}`,
      });
      expect([200, 202]).toContain(second.status);
      await expectResolved('job_failed', 'Задание снова');
    } finally {
      await hurry.stop();
    }
  }, 180_000);

  it('never puts a secret or personal data in an alert', () => {
    const everything = JSON.stringify([
      received,
      [...stack.emulator.state.tasks.values()].map((t) => t.text),
    ]);
    for (const secret of [HOOK_SECRET, MOYSKLAD_TOKEN, TEST_SECRET, stack.accessToken, '@'])
      expect(everything).not.toContain(secret);
  });
});
