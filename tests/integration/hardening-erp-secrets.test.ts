import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { type MoySkladStack, startMoySkladStack } from '../support/moysklad-stack.js';
import { widgetCall } from '../support/widget-api.js';

const ENV_TOKEN = 'env-moysklad-token-4f1c';
const STORED_TOKEN = 'stored-moysklad-token-9a2e';
const STORED_PASSWORD = 'stored-onec-password-77';
const MARKER = 'ATTACKER-BODY-7731';

let stack: MoySkladStack;
let moysklad: StartedMoySkladEmulator;
/** A host a stranger controls: records every request, answers with a body we must never echo. */
let attacker: Server;
let attackerUrl: string;
const seen: { url: string; headers: IncomingHttpHeaders }[] = [];

const call = (method: string, path: string, body?: unknown) =>
  widgetCall(stack.backend, method, path, { body, user: { userId: 5, isAdmin: true } });

/** Any of our secrets in what reached the attacker (headers and URL). */
const leaked = () =>
  seen.filter(({ url, headers }) =>
    [ENV_TOKEN, STORED_TOKEN, STORED_PASSWORD, Buffer.from(`svc:${STORED_PASSWORD}`).toString('base64')].some(
      (secret) => JSON.stringify({ url, headers }).includes(secret),
    ),
  );

beforeAll(async () => {
  attacker = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ error: MARKER, code: 1056 }], 'odata.error': { message: MARKER } }));
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/api/remap/1.2`;
  // The emulator takes the token the settings store; the environment names another.
  stack = await startMoySkladStack(STORED_TOKEN, { env: { MOYSKLAD_TOKEN: ENV_TOKEN } });
  moysklad = stack.moysklad;
});
afterAll(async () => {
  await stack?.close();
  await new Promise((resolve) => attacker?.close(resolve));
});

describe('a saved secret goes only to the origin it was saved for', () => {
  it('environment token: test-connection and PUT to a new origin answer settings.secret_required, nothing reaches it', async () => {
    const test = await call('POST', '/api/v1/settings/test-connection', {
      erp: { kind: 'moysklad', apiBase: attackerUrl },
    });
    expect(test.status).toBe(422);
    expect(test.headers.get('content-type')).toBe('application/problem+json');
    expect((await test.json()).code).toBe('settings.secret_required');

    const put = await call('PUT', '/api/v1/settings', { erp: { kind: 'moysklad', apiBase: attackerUrl } });
    expect(put.status).toBe(422);
    expect((await put.json()).code).toBe('settings.secret_required');
    const view = await (await call('GET', '/api/v1/settings')).json();
    expect(view.erp.apiBase).toBe(moysklad.url);
    expect(seen).toEqual([]);
  });

  it('stored token: kept for its own origin, refused for a new one; a token typed for the new one is what goes there', async () => {
    const saved = await call('PUT', '/api/v1/settings', {
      erp: { kind: 'moysklad', apiBase: moysklad.url, token: STORED_TOKEN },
    });
    expect(saved.status).toBe(200);
    // Same origin, token left out: kept, and the connection works.
    const again = await call('PUT', '/api/v1/settings', { erp: { kind: 'moysklad', apiBase: moysklad.url } });
    expect((await again.json()).erp.secrets.token).toBe('set');
    const ok = await (await call('POST', '/api/v1/settings/test-connection', {})).json();
    expect(ok).toMatchObject({ ok: true });

    const refused = await call('POST', '/api/v1/settings/test-connection', {
      erp: { kind: 'moysklad', apiBase: attackerUrl },
    });
    expect(refused.status).toBe(422);
    expect(seen).toEqual([]);

    const typed = await call('POST', '/api/v1/settings/test-connection', {
      erp: { kind: 'moysklad', apiBase: attackerUrl, token: 'typed-for-the-new-host' },
    });
    expect(typed.status).toBe(200);
    const answer = await typed.json();
    expect(answer).toMatchObject({ ok: false, code: 'erp.auth_failed' });
    expect(JSON.stringify(answer)).not.toContain(MARKER);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((r) => r.headers.authorization === 'Bearer typed-for-the-new-host')).toBe(true);
    expect(leaked()).toEqual([]);
  });

  it('1C password: a new OData origin needs it typed again; the answer never carries the remote body', async () => {
    const onecUrl = `${new URL(moysklad.url).origin}/odata/standard.odata`;
    const saved = await call('PUT', '/api/v1/settings', {
      erp: { kind: 'onec', odataUrl: onecUrl, user: 'svc', password: STORED_PASSWORD },
    });
    expect(saved.status).toBe(200);
    const before = seen.length;
    const attackerOdata = `${new URL(attackerUrl).origin}/odata/standard.odata`;
    for (const path of ['/api/v1/settings/test-connection', '/api/v1/settings']) {
      const res = await call(path.endsWith('settings') ? 'PUT' : 'POST', path, {
        erp: { kind: 'onec', odataUrl: attackerOdata, user: 'svc' },
      });
      expect(res.status, path).toBe(422);
      expect((await res.json()).code).toBe('settings.secret_required');
    }
    expect(seen.length).toBe(before);

    const typed = await (
      await call('POST', '/api/v1/settings/test-connection', {
        erp: { kind: 'onec', odataUrl: attackerOdata, user: 'svc', password: 'typed-pw' },
      })
    ).json();
    expect(typed.ok).toBe(false);
    expect(typeof typed.code).toBe('string');
    expect(JSON.stringify(typed)).not.toContain(MARKER);
    expect(leaked()).toEqual([]);
  });
});
