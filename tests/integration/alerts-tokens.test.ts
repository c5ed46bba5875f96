import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.js';
import { until } from '../support/wait.js';
import { widgetCall } from '../support/widget-api.js';

/**
 * amoCRM revokes the integration's refresh token: the next refresh answers 401 "Token has been
 * revoked", the installation needs reinstalling, and the admin is told once; reinstalling
 * resolves it once.
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
const hooks = (event: string) =>
  received.filter((r) => r.rule === 'amocrm_tokens_revoked' && r.event === event);

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
    await until(
      () =>
        [...stack.emulator.state.tasks.values()].filter(
          (t) => t.responsibleUserId === ADMIN_USER && t.text.includes('✓: Интеграция снова'),
        ).length === 1,
      'resolution task',
      30_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(hooks('alert.raised')).toHaveLength(1);
    expect(hooks('alert.resolved')).toHaveLength(1);
  }, 120_000);
});
