import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAmoWebhookBody, type StartedAmoEmulator, startAmoEmulator } from '@erp-bridge/emulator-amocrm';
import { type Database, openDatabase } from '@erp-bridge/server/db';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase, postgresForTests } from '../../server/src/db/test-databases.js';
import { COMPILED_START, spawnTail, stopChild, waitHealthy } from '../support/cluster.js';
import { freePort } from '../support/ports.js';
import { signDisposableToken } from '../support/tokens.js';
import { until } from '../support/wait.js';

/**
 * ROLE=web answers and enqueues, ROLE=worker runs the jobs, and both stop gracefully on SIGTERM.
 * Real processes of the compiled build (`node server/dist/start.js`), as deploy/ runs them.
 */
const adminUrl = postgresForTests();

const SECRET = 'roles-client-secret-0123456789abcdef';
const ACCOUNT = 31000001;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function emulatorFor(backend: string, accessToken: string): Promise<StartedAmoEmulator> {
  const emulator = await startAmoEmulator({
    port: 0,
    clientSecret: SECRET,
    backendUrl: backend,
    widgetDir: 'widget/dist/widget',
    accessToken,
    rateLimitPerSecond: 0,
  });
  cleanups.push(() => emulator.close());
  return emulator;
}

/** One process of the compiled backend, a private integration with a long-lived token. */
async function instance(
  env: Record<string, string>,
  emulator: StartedAmoEmulator,
  port: number,
  token: string,
) {
  const p = spawnTail(process.execPath, [COMPILED_START], {
    PATH: process.env.PATH,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    AMO_CLIENT_ID: 'roles-client',
    AMO_CLIENT_SECRET: SECRET,
    ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    AMO_API_BASE: emulator.url,
    AMO_LONG_LIVED_TOKEN: token,
    AMO_SUBDOMAIN: 'erpbridgedemo',
    SHUTDOWN_GRACE_SECONDS: '5',
    LOG_LEVEL: 'warn',
    ...env,
  });
  cleanups.push(() => stopChild(p.child, p.exited));
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, p.child, p.output);
  return { ...p, url };
}

const hook = (leadId: number) =>
  encodeAmoWebhookBody(
    [{ entity: 'leads', action: 'update', record: { id: leadId, status_id: 80012, pipeline_id: 8001 } }],
    { id: ACCOUNT, subdomain: 'erpbridgedemo' },
  );

describe.skipIf(!adminUrl)('roles on one PostgreSQL', () => {
  it('a web instance stores and enqueues but runs no job; a worker runs them and serves only probes', async () => {
    const databaseUrl = await freshDatabase();
    const token = 'roles-long-lived-token';
    const webPort = await freePort();
    const emulator = await emulatorFor(`http://127.0.0.1:${webPort}`, token);
    const web = await instance({ ROLE: 'web', DATABASE_URL: databaseUrl }, emulator, webPort, token);
    const database: Database = await openDatabase({ databaseUrl, dataDir: 'unused', poolMax: 2 });
    cleanups.push(() => database.close());
    const q = async (text: string) =>
      ((await database.db.execute(text)) as unknown as { rows: Record<string, unknown>[] }).rows;
    const [inst] = await q(`select hook_key from installations where account_id = ${ACCOUNT}`);
    const res = await fetch(`${web.url}/webhooks/amocrm/${inst?.hook_key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: hook(4242),
    });
    expect(res.status).toBe(204);
    // Enqueued by the web instance, but nobody works: the event stays unprocessed, and the
    // webhook subscription job (sent at start) has not reached amoCRM either.
    await until(
      async () =>
        (await q('select count(*)::int n from webhook_inbox where enqueued_at is not null'))[0]?.n === 1,
      'event enqueued by the web instance',
    );
    await new Promise((r) => setTimeout(r, 2500));
    expect((await q('select count(*)::int n from webhook_inbox where processed_at is null'))[0]?.n).toBe(1);
    expect(emulator.state.webhooks.size).toBe(0);

    const worker = await instance(
      { ROLE: 'worker', DATABASE_URL: databaseUrl },
      emulator,
      await freePort(),
      token,
    );
    await until(
      async () =>
        (await q('select count(*)::int n from webhook_inbox where processed_at is null'))[0]?.n === 0,
      'event processed by the worker',
    );
    await until(() => emulator.state.webhooks.size > 0, 'webhook subscription registered by the worker');
    // The worker answers probes, not widgets or hooks.
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${worker.url}/readyz`)).status).toBe(200);
    const api = await fetch(`${worker.url}/api/v1/leads/1001/stock`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/problem\+json/);
    const hookAtWorker = await fetch(`${worker.url}/webhooks/amocrm/${inst?.hook_key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: hook(4243),
    });
    expect(hookAtWorker.status).toBe(404);

    // SIGTERM: both exit 0.
    await stopChild(worker.child, worker.exited);
    await stopChild(web.child, web.exited);
    expect(await worker.exited).toBe(0);
    expect(await web.exited).toBe(0);
  }, 60_000);
});

describe('graceful stop', () => {
  it('SIGTERM: the request in flight gets its answer, new connections are refused, then exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'erpb-roles-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const token = 'graceful-long-lived-token';
    const port = await freePort();
    const emulator = await emulatorFor(`http://127.0.0.1:${port}`, token);
    const server = await instance({ DATA_DIR: dir }, emulator, port, token);
    emulator.state.config.latencyMs = 1500; // amoCRM is slow: the stock request takes > 1.5 s
    const started = Date.now();
    const inFlight = fetch(`${server.url}/api/v1/leads/1001/stock`, {
      headers: {
        'x-auth-token': await signDisposableToken(SECRET, {
          iss: 'https://erpbridgedemo.amocrm.ru',
          aud: server.url,
          account_id: ACCOUNT,
        }),
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThan(1500);
    expect(await server.exited).toBe(0);
  }, 60_000);
});
