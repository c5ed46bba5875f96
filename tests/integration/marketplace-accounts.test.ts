import { DEMO_STOCK_CSV } from '@erp-bridge/server';
import { guardDecisions, installations, webhookBodies } from '@erp-bridge/server/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectSignature } from '../../server/src/amocrm/disconnect-signature.js';
import { issueState } from '../../server/src/amocrm/install-state.js';
import { type MultiAccountStack, startAccounts } from '../support/accounts.js';
import { TEST_SECRET } from '../support/stack.js';
import { signDisposableToken } from '../support/tokens.js';
import { until } from '../support/wait.js';

/**
 * Three accounts installed as a public integration against three amoCRM emulators: their data,
 * settings, rate budgets and webhooks never mix, and an uninstall stops one account only.
 */
const ACCOUNTS = [
  { accountId: 42000001, subdomain: 'alpha' },
  { accountId: 42000002, subdomain: 'bravo' },
  { accountId: 42000003, subdomain: 'charlie' },
] as const;
const [ALPHA, BRAVO, CHARLIE] = ACCOUNTS;
const ADMIN = 5100002;
const MANAGER = 5100001;
let stack: MultiAccountStack;

const emu = (sub: string) => {
  const e = stack.accounts.get(sub);
  if (!e) throw new Error(sub);
  return e;
};
const rowOf = async (accountId: number) => {
  const rows = await stack.server.services.database.db.select().from(installations);
  return rows.find((r) => r.accountId === accountId);
};
const token = (a: { accountId: number; subdomain: string }, userId = ADMIN) =>
  signDisposableToken(TEST_SECRET, {
    iss: `https://${a.subdomain}.amocrm.ru`,
    aud: stack.backend,
    account_id: a.accountId,
    user_id: userId,
    is_admin: userId === ADMIN,
    subdomain: a.subdomain,
  });
const api = async (
  a: { accountId: number; subdomain: string },
  path: string,
  init: RequestInit = {},
  userId = ADMIN,
) =>
  fetch(`${stack.backend}${path}`, {
    ...init,
    headers: { 'X-Auth-Token': await token(a, userId), 'content-type': 'application/json', ...init.headers },
  });

beforeAll(async () => {
  stack = await startAccounts([...ACCOUNTS], {
    env: { LOCAL_STOCK_CSV: DEMO_STOCK_CSV, AMO_RATE_LIMIT: '3' },
  });
  // Each account's own amoCRM data, so a mix-up shows.
  const bravoStage = emu('bravo')
    .state.pipelines.get(8001)
    ?.statuses.find((s) => s.id === 80012);
  if (bravoStage) bravoStage.name = 'Переговоры Браво';
  emu('charlie').state.users.set(5100009, {
    id: 5100009,
    name: 'Чарли Склад',
    email: 'stock@charlie.example',
    isAdmin: false,
    groupId: 350001,
  });
});
afterAll(() => stack?.close());

describe('three accounts, one backend', () => {
  it('installs each account from its own callback, tells the admin what data we receive, and subscribes its own webhook', async () => {
    for (const a of ACCOUNTS) {
      const res = await stack.install(a.subdomain, { from_widget: '1' });
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toMatch(/erp-bridge подключён/);
      expect(page).toMatch(/erp-bridge receives from amoCRM: deals/);
    }
    const rows = await Promise.all(ACCOUNTS.map((a) => rowOf(a.accountId)));
    expect(rows.map((r) => [r?.accountId, r?.subdomain, r?.status])).toEqual(
      ACCOUNTS.map((a) => [a.accountId, a.subdomain, 'active']),
    );
    expect(new Set(rows.map((r) => r?.hookKey)).size).toBe(3);
    for (const [i, a] of ACCOUNTS.entries()) {
      await until(() => emu(a.subdomain).state.webhooks.size > 0, `${a.subdomain} webhook`);
      const destinations = [...emu(a.subdomain).state.webhooks.keys()];
      expect(destinations).toEqual([`${stack.backend}/webhooks/amocrm/${rows[i]?.hookKey}`]);
    }
  });

  it('serves each admin the pickers of their own account, cached, and refuses managers', async () => {
    const stages = async (a: (typeof ACCOUNTS)[number]) => {
      const body = await (await api(a, '/api/v1/account/pipelines')).json();
      return body.pipelines[0].stages.map((s: { name: string }) => s.name);
    };
    expect(await stages(BRAVO)).toContain('Переговоры Браво');
    expect(await stages(ALPHA)).not.toContain('Переговоры Браво');
    const alphaPipelines = await (await api(ALPHA, '/api/v1/account/pipelines')).json();
    expect(alphaPipelines.pipelines[0].stages[0]).toEqual({
      id: 80011,
      name: 'Первичный контакт',
      color: '#99ccff',
      sort: 10,
      closed: false,
    });

    const users = async (a: (typeof ACCOUNTS)[number]) => (await api(a, '/api/v1/account/users')).json();
    const charlie = await users(CHARLIE);
    expect(charlie.users.map((u: { name: string }) => u.name)).toContain('Чарли Склад');
    expect(charlie.groups).toEqual([
      { id: 0, name: 'Отдел продаж' },
      { id: 350001, name: 'Склад' },
    ]);
    expect((await users(ALPHA)).users.map((u: { name: string }) => u.name)).not.toContain('Чарли Склад');

    const fields = await (await api(ALPHA, '/api/v1/account/fields?entity=companies')).json();
    expect(fields).toMatchObject({
      entity: 'companies',
      fields: [{ name: 'Телефон' }, { id: 740002, name: 'ИНН' }],
    });

    // Cached: asking again reads nothing more from amoCRM.
    const before = emu('alpha').calls.length;
    await api(ALPHA, '/api/v1/account/pipelines');
    await api(ALPHA, '/api/v1/account/users');
    expect(emu('alpha').calls.length).toBe(before);

    const manager = await api(ALPHA, '/api/v1/account/users', {}, MANAGER);
    expect(manager.status).toBe(403);
    expect((await manager.json()).code).toBe('auth.forbidden');
    const bad = await api(ALPHA, '/api/v1/account/fields?entity=tasks');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
  });

  it('keeps settings apart: a save in one account changes nothing in the others', async () => {
    const view = async (a: (typeof ACCOUNTS)[number]) => (await api(a, '/api/v1/settings')).json();
    const bravoBefore = await view(BRAVO);
    const saved = await api(ALPHA, '/api/v1/settings', {
      method: 'PUT',
      body: JSON.stringify({ guard: { tag: 'Альфа: нет товара' }, invoices: { allowedUserIds: [ADMIN] } }),
    });
    expect(saved.status).toBe(200);
    expect((await view(ALPHA)).guard.tag).toBe('Альфа: нет товара');
    const bravoAfter = await view(BRAVO);
    expect(bravoAfter.guard).toEqual(bravoBefore.guard);
    expect(bravoAfter.invoices).toEqual(bravoBefore.invoices);
    expect((await view(CHARLIE)).invoices.allowedUserIds).toEqual([]);
  });

  it('refuses one account’s webhook on another account’s hook URL', async () => {
    const bravo = await rowOf(BRAVO.accountId);
    const res = await fetch(`${stack.backend}/webhooks/amocrm/${bravo?.hookKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `account[id]=${ALPHA.accountId}&account[subdomain]=alpha&leads[update][0][id]=1002`,
    });
    expect(res.status).toBe(403);
  });

  it('gives each account its own rate budget: a busy account does not slow another', async () => {
    const instA = await stack.server.services.installations.findActive(ALPHA.accountId);
    const instB = await stack.server.services.installations.findActive(BRAVO.accountId);
    if (!instA || !instB) throw new Error('not installed');
    const a = stack.server.services.access.clientFor(instA);
    const b = stack.server.services.access.clientFor(instB);
    const started = Date.now();
    const busy = Promise.all(Array.from({ length: 12 }, () => a.account()));
    await new Promise((r) => setTimeout(r, 20));
    const bStarted = Date.now();
    expect((await b.account())?.id).toBe(BRAVO.accountId);
    const bMs = Date.now() - bStarted;
    const results = await busy;
    const aMs = Date.now() - started;
    expect(results.every((r) => r?.id === ALPHA.accountId)).toBe(true);
    // 12 calls at 3 per window take at least three more windows; bravo's one call waits for none.
    expect(aMs).toBeGreaterThan(2500);
    expect(bMs).toBeLessThan(1000);
  });

  it('uninstall stops all work for one account and purges its tokens, keeping its audit trail', async () => {
    // An audit trail to keep: a guard decision for alpha's deal.
    await stack.server.services.accountSettings.update(ALPHA.accountId, { guard: { enabled: true } });
    const check = await api(ALPHA, '/api/v1/leads/1002/stock-check', { method: 'POST' });
    expect(check.status).toBe(200);
    const db = stack.server.services.database.db;
    const decisions = async () =>
      (await db.select().from(guardDecisions)).filter((d) => d.accountId === ALPHA.accountId).length;
    expect(await decisions()).toBeGreaterThan(0);
    const kept = await decisions();
    const alpha = await rowOf(ALPHA.accountId);

    const signature = disconnectSignature(TEST_SECRET, 'demo-client-id', ALPHA.accountId);
    const res = await fetch(
      `${stack.backend}/oauth/disconnect?account_id=${ALPHA.accountId}&client_uuid=demo-client-id&signature=${signature}`,
    );
    expect(res.status).toBe(200);
    const row = await rowOf(ALPHA.accountId);
    expect(row).toMatchObject({ status: 'disabled', accessTokenEnc: null, refreshTokenEnc: null });
    expect(await decisions()).toBe(kept);

    const callsBefore = emu('alpha').calls.length;
    const bodiesBefore = (await db.select().from(webhookBodies)).length;
    const widget = await api(ALPHA, '/api/v1/leads/1002/stock');
    expect(widget.status).toBe(401);
    const hook = await fetch(`${stack.backend}/webhooks/amocrm/${alpha?.hookKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `account[id]=${ALPHA.accountId}&leads[update][0][id]=1002`,
    });
    expect(hook.status).toBe(404);
    const dp = await fetch(`${stack.backend}/webhooks/dp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        event: { data: { id: 1002, element_type: 2 } },
        account_id: ALPHA.accountId,
        subdomain: 'alpha',
      }),
    });
    expect(dp.status).toBe(204);
    // Periodic work (reconcile, re-checks, keep-alive) walks the active installations only.
    const active = await stack.server.services.installations.listActive();
    expect(active.map((i) => i.accountId).sort()).toEqual([BRAVO.accountId, CHARLIE.accountId]);
    await new Promise((r) => setTimeout(r, 300));
    expect(emu('alpha').calls.length).toBe(callsBefore);
    expect((await db.select().from(webhookBodies)).length).toBe(bodiesBefore);
    // The others carry on.
    expect((await api(BRAVO, '/api/v1/account/pipelines')).status).toBe(200);
    expect((await api(CHARLIE, '/api/v1/settings')).status).toBe(200);
  });

  it('checks a state we issued: forged, expired or reused states get a clear page and install nothing', async () => {
    const forged = await stack.install('charlie', { state: 'erpb1.x.1.y' });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toMatch(/state did not verify/);
    const expired = await stack.install('charlie', { state: issueState(TEST_SECRET, Date.now() - 3600_000) });
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/expired/);
    const state = issueState(TEST_SECRET);
    expect((await stack.install('charlie', { state })).status).toBe(200);
    const reused = await stack.install('charlie', { state });
    expect(reused.status).toBe(403);
    expect(await reused.text()).toMatch(/already used/);
    const incomplete = await fetch(`${stack.backend}/oauth/callback?referer=charlie.amocrm.ru`);
    expect(incomplete.status).toBe(400);
    expect(await incomplete.text()).toMatch(/install link is incomplete/);
    const foreign = await fetch(`${stack.backend}/oauth/callback?code=x&referer=evil.example.com`);
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toMatch(/not an amoCRM or Kommo account/);
  });

  it('offers an install page that starts OAuth with a state and says what data we receive', async () => {
    const res = await fetch(`${stack.backend}/oauth/install`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toMatch(/Подключение erp-bridge/);
    expect(page).toMatch(/erp-bridge получает из amoCRM/);
    const href = /href="([^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&') ?? '';
    expect(href).toMatch(/^https:\/\/www\.amocrm\.ru\/oauth\?/);
    expect(new URL(href).searchParams.get('state')).toMatch(/^erpb1\./);
  });
});
