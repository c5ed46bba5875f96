import { installations } from '@erp-bridge/server/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectSignature } from '../../server/src/amocrm/disconnect-signature.js';
import { type Stack, startStack, TEST_SECRET } from '../support/stack.js';
import { signDisposableToken } from '../support/tokens.js';
import { until } from '../support/wait.js';

const ACCOUNT = 31000001;
let stack: Stack;

const installRows = () => stack.server.services.database.db.select().from(installations);
const client = async () => {
  const inst = await stack.server.services.installations.findActive(ACCOUNT);
  if (!inst) throw new Error('not installed');
  return stack.server.services.access.clientFor(inst);
};

const OPS_TOKEN = 'ops-metrics-token-0123456789';
const ops = { headers: { authorization: `Bearer ${OPS_TOKEN}` } };

beforeAll(async () => {
  stack = await startStack({
    oauth: true,
    emulator: { rateLimitPerSecond: 0 },
    env: { AMO_RATE_LIMIT: '50', METRICS_TOKEN: OPS_TOKEN },
  });
});
afterAll(() => stack?.close());

describe('install through OAuth', () => {
  it('exchanges the code, stores tokens sealed, and registers the webhook', async () => {
    const code = stack.emulator.state.issueAuthCode();
    const res = await fetch(
      `${stack.backend}/oauth/callback?code=${code}&referer=erpbridgedemo.amocrm.ru&state=x&from_widget=1`,
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('erp-bridge');
    const [row] = await installRows();
    expect(row).toMatchObject({
      accountId: ACCOUNT,
      subdomain: 'erpbridgedemo',
      domain: 'amocrm.ru',
      status: 'active',
    });
    expect(row?.accessTokenEnc).toMatch(/^v1\./);
    expect(row?.refreshTokenEnc).toMatch(/^v1\./);
    await until(() =>
      [...stack.emulator.state.webhooks.values()].some((w) =>
        w.destination.includes(`/webhooks/amocrm/${row?.hookKey}`),
      ),
    );
    const hook = [...stack.emulator.state.webhooks.values()].find((w) =>
      w.destination.includes(row?.hookKey ?? '?'),
    );
    expect(hook?.settings).toEqual(expect.arrayContaining(['add_lead', 'update_lead', 'status_lead']));
  });

  it('refuses a reused code with a clear page and stores nothing new', async () => {
    const before = JSON.stringify(await installRows());
    const code = stack.emulator.state.issueAuthCode();
    await fetch(`${stack.backend}/oauth/callback?code=${code}&referer=erpbridgedemo.amocrm.ru`);
    const after1 = JSON.stringify(await installRows());
    const res = await fetch(`${stack.backend}/oauth/callback?code=${code}&referer=erpbridgedemo.amocrm.ru`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/invalid|недействителен/i);
    expect(JSON.stringify(await installRows())).toBe(after1);
    expect(after1).not.toBe(before); // the first, valid use did store new tokens
  });

  it('refuses a callback from a host that is not an amoCRM account', async () => {
    const res = await fetch(`${stack.backend}/oauth/callback?code=abc&referer=evil.example.com`);
    expect(res.status).toBe(400);
  });
});

describe('tokens that never burn', () => {
  it('100 concurrent calls with an expired access token cause exactly one refresh', async () => {
    const amo = await client();
    const refreshesBefore = stack.emulator.state.refreshCount();
    stack.emulator.state.expireAccessTokens();
    const results = await Promise.all(Array.from({ length: 100 }, () => amo.account()));
    expect(results.every((a) => a?.id === ACCOUNT)).toBe(true);
    expect(stack.emulator.state.refreshCount() - refreshesBefore).toBe(1);
  });

  it('refreshes ahead of expiry once, when our own clock says the token is about to expire', async () => {
    const amo = await client();
    const refreshesBefore = stack.emulator.state.refreshCount();
    await stack.server.services.database.db
      .update(installations)
      .set({ tokenExpiresAt: new Date(Date.now() + 60_000) });
    await Promise.all(Array.from({ length: 50 }, () => amo.account()));
    expect(stack.emulator.state.refreshCount() - refreshesBefore).toBe(1);
  });
});

describe('a client that never trips the limit and never double-writes', () => {
  it('retries injected 429 and 5xx so that a note lands exactly once', async () => {
    const amo = await client();
    stack.emulator.faults.failNext(1, 429, { method: 'POST', pathPrefix: '/api/v4/leads/notes' });
    stack.emulator.faults.failNext(1, 503, { method: 'POST', pathPrefix: '/api/v4/leads/notes' });
    stack.emulator.faults.failNext(1, 502, { method: 'POST', pathPrefix: '/api/v4/leads/notes' });
    await amo.addLeadNotes([
      { entity_id: 1002, note_type: 'common', params: { text: 'exactly-once check' } },
    ]);
    const notes = [...stack.emulator.state.notes.values()].filter(
      (n) => n.entityId === 1002 && JSON.stringify(n).includes('exactly-once check'),
    );
    expect(notes).toHaveLength(1);
  });

  it('does not retry other 4xx', async () => {
    const amo = await client();
    const before = stack.emulator.calls.length;
    await expect(amo.patchLead(999999, { name: 'x' })).rejects.toMatchObject({ status: 404 });
    expect(stack.emulator.calls.length - before).toBe(1);
  });

  it('opens a circuit when amoCRM blocks the account (403 HTML) and shows it in /readyz and /metrics', async () => {
    const amo = await client();
    stack.emulator.state.blockAccount(60_000);
    await expect(amo.account()).rejects.toMatchObject({ name: 'Error', accountId: ACCOUNT });
    const callsAfterBlock = stack.emulator.calls.length;
    await expect(amo.account()).rejects.toMatchObject({ accountId: ACCOUNT });
    expect(stack.emulator.calls.length).toBe(callsAfterBlock); // failed fast, amoCRM not called
    await until(async () => {
      const ready = await (await fetch(`${stack.backend}/readyz`, ops)).json();
      return ready.checks.amocrm.status === 'degraded';
    });
    const ready = await (await fetch(`${stack.backend}/readyz`, ops)).json();
    expect(ready.checks.amocrm.blockedAccounts[0].accountId).toBe(ACCOUNT);
    expect(await (await fetch(`${stack.backend}/metrics`, ops)).text()).toMatch(
      /erpb_amocrm_circuit_open\{account_id="31000001"\} 1/,
    );
    stack.emulator.state.unblockAccount();
  });
});

describe('uninstall', () => {
  it('ignores an unverifiable disconnect call; a verified one disables and purges the tokens', async () => {
    const forged = await fetch(
      `${stack.backend}/oauth/disconnect?account_id=${ACCOUNT}&client_uuid=demo-client-id&signature=${'0'.repeat(64)}`,
    );
    expect(forged.status).toBe(401);
    expect((await installRows())[0]?.status).toBe('active');

    const signature = disconnectSignature(TEST_SECRET, 'demo-client-id', ACCOUNT);
    const ok = await fetch(
      `${stack.backend}/oauth/disconnect?account_id=${ACCOUNT}&client_uuid=demo-client-id&signature=${signature}`,
    );
    expect(ok.status).toBe(200);
    const [row] = await installRows();
    expect(row?.status).toBe('disabled');
    // Uninstall purges the tokens (issue 12); the audit trail is covered in marketplace-accounts.test.ts.
    expect(row?.refreshTokenEnc).toBeNull();
    expect(row?.accessTokenEnc).toBeNull();

    const token = await signDisposableToken(TEST_SECRET, {
      iss: 'https://erpbridgedemo.amocrm.ru',
      aud: stack.backend,
      account_id: ACCOUNT,
    });
    const res = await fetch(`${stack.backend}/api/v1/leads/1001/stock`, {
      headers: { 'X-Auth-Token': token },
    });
    expect(res.status).toBe(401);
    expect((await res.json()).code).toBe('auth.unknown_account');
  });
});
