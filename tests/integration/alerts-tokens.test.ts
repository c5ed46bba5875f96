import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.js';
import { until } from '../support/wait.js';
import { widgetCall } from '../support/widget-api.js';

/**
 * amoCRM revokes the integration's tokens, seen two ways: (1) the next refresh answers 401 "Token
 * has been revoked", the installation needs reinstalling, and the admin is told once; reinstalling
 * resolves it once; (2) the refresh still works but amoCRM answers 401 to the token it just
 * issued: told once, resolved once by the next call amoCRM accepts.
 */
const ACCOUNT = 31000001;
const ADMIN_USER = 5100002;
let stack: Stack;
let receiver: Server;
const received: { event: string; rule: string }[] = [];

const widget = (method: string, path: string, body?: unknown) =>
  widgetCall(stack.backend, method, path, { body, user: { userId: ADMIN_USER, isAdmin: true } });
const install = async () => {
  const code = stack.emulator.state.issueAuthCode();
  const res = await fetch(
    `${stack.backend}/oauth/callback?code=${code}&referer=erpbridgedemo.amocrm.ru&state=x&from_widget=1`,
  );
  expect(res.status).toBe(200);
};
const hooks = (event: string, from = 0) =>
  received.slice(from).filter((r) => r.rule === 'amocrm_tokens_revoked' && r.event === event);
const adminTasks = (text: string) =>
  [...stack.emulator.state.tasks.values()].filter(
    (t) => t.responsibleUserId === ADMIN_USER && t.text.includes(text),
  );
const openRevoked = async () =>
  ((await (await widget('GET', '/api/v1/alerts')).json()) as { open: { rule: string }[] }).open.filter(
    (a) => a.rule === 'amocrm_tokens_revoked',
  );

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  stack = await startStack({
    oauth: true,
    emulator: { rateLimitPerSecond: 0 },
    env: { AMO_RATE_LIMIT: '50' },
  });
  await install();
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  expect(
    (await widget('PUT', '/api/v1/alerts/settings', { adminUserId: ADMIN_USER, webhookUrl: url })).status,
  ).toBe(200);
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('alert: amoCRM revoked the tokens', () => {
  it('is raised once when a refresh is refused, and resolved once by reinstalling', async () => {
    stack.emulator.state.expireAccessTokens();
    stack.emulator.state.revokeRefreshTokens();
    await widget('GET', '/api/v1/leads/1001/stock?refresh=1');
    await until(
      async () => Boolean((await stack.server.services.installations.findActive(ACCOUNT))?.authError),
      'auth error stored',
    );
    await stack.server.services.operator.alerts.evaluate();
    await stack.server.services.operator.alerts.evaluate();
    await until(() => hooks('alert.raised').length === 1, 'raised webhook');
    const banner = await (await widget('GET', '/api/v1/alerts')).json();
    expect(banner.open.map((a: { rule: string }) => a.rule)).toContain('amocrm_tokens_revoked');

    await install();
    await until(
      async () => !(await stack.server.services.installations.findActive(ACCOUNT))?.authError,
      'reinstalled',
    );
    await stack.server.services.operator.alerts.evaluate();
    await stack.server.services.operator.alerts.evaluate();
    await until(() => hooks('alert.resolved').length === 1, 'resolved webhook');
    // The admin's task goes through amoCRM, so it lands once the integration is authorised again.
    await until(() => adminTasks('✓: Интеграция снова').length === 1, 'resolution task', 30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(hooks('alert.raised')).toHaveLength(1);
    expect(hooks('alert.resolved')).toHaveLength(1);
  }, 120_000);

  it('is raised once when amoCRM answers 401 to a just-refreshed token, and resolved once by the next accepted call', async () => {
    const from = received.length;
    const refreshesBefore = stack.emulator.state.refreshCount();
    // Every API call answers 401 while token refreshes still succeed: the access was revoked in the
    // account (every v4 method lists "401 Пользователь не авторизован":
    // https://www.amocrm.ru/developers/content/crm_platform/leads-api).
    stack.emulator.faults.failNext(10_000, 401, { pathPrefix: '/api/v4' });
    expect((await widget('GET', '/api/v1/leads/1002/stock?refresh=1')).status).toBeGreaterThanOrEqual(400);
    expect(stack.emulator.state.refreshCount()).toBeGreaterThan(refreshesBefore);
    await until(() => hooks('alert.raised', from).length === 1, 'raised webhook');
    // More refused calls, and evaluation passes, while it lasts: still one incident, nothing resolved.
    await widget('GET', '/api/v1/leads/1003/stock?refresh=1');
    await stack.server.services.operator.alerts.evaluate();
    await stack.server.services.operator.alerts.evaluate();
    expect(await openRevoked()).toHaveLength(1);
    // The refresh worked, so the installation is not flagged for reinstalling.
    expect((await stack.server.services.installations.findActive(ACCOUNT))?.authError).toBeFalsy();

    stack.emulator.faults.reset();
    expect((await widget('GET', '/api/v1/leads/1002/stock?refresh=1')).status).toBe(200);
    await until(() => hooks('alert.resolved', from).length === 1, 'resolved webhook');
    expect(await openRevoked()).toHaveLength(0);
    // The admin's tasks go through amoCRM: the raise lands once amoCRM accepts the token again.
    await until(
      () =>
        adminTasks('⚠: amoCRM отвечает 401').length === 1 &&
        adminTasks('✓: amoCRM снова принимает токен').length === 1,
      'raise and resolution tasks',
      30_000,
    );
    await stack.server.services.operator.alerts.evaluate();
    await new Promise((r) => setTimeout(r, 500));
    expect(hooks('alert.raised', from)).toHaveLength(1);
    expect(hooks('alert.resolved', from)).toHaveLength(1);
    expect(adminTasks('⚠: amoCRM отвечает 401')).toHaveLength(1);
    expect(adminTasks('✓: amoCRM снова принимает токен')).toHaveLength(1);
  }, 120_000);
});
