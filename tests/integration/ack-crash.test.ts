import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAmoWebhookBody } from '@erp-bridge/emulator-amocrm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/src/db/open.js';
import { freshDatabase, postgresForTests } from '../../server/src/db/test-databases.js';
import { COMPILED_START, spawnTail, waitHealthy } from '../support/cluster.js';
import { longLivedInstall } from '../support/long-lived-install.js';
import { freePort } from '../support/ports.js';
import { until } from '../support/wait.js';

/**
 * Group commit across kill -9: hooks sent together over many connections share INSERTs and
 * commits (server/src/amocrm/webhooks/group-commit.ts); the backend process is killed
 * while hundreds are in flight, and every hook that got its 204 must be in the inbox afterwards.
 * The backend is the compiled start (needs `pnpm build`, as the scale-out tests do).
 */
const SECRET = 'ack-crash-client-secret-0123456789';
const FIRST = 7_600_000;
const TOTAL = 600;

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** PGlite (its data directory reopened after the kill), and PostgreSQL when the suite has one. */
const backends: { name: string; databaseUrl?: () => Promise<string> }[] = [{ name: 'pglite' }];
if (postgresForTests()) backends.push({ name: 'postgres', databaseUrl: () => freshDatabase() });

describe.each(backends)('webhook acks across SIGKILL on $name', (backend) => {
  it('keeps every acknowledged hook of a concurrent burst', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const backendUrl = `http://127.0.0.1:${port}`;
    const install = await longLivedInstall(backendUrl, SECRET);
    const { emulator } = install;
    cleanups.push(() => emulator.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'erpb-ack-crash-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const databaseUrl = await backend.databaseUrl?.();
    // The compiled production start (pnpm build), a private integration with a long-lived token.
    const { child, output } = spawnTail(process.execPath, [COMPILED_START], {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: backendUrl,
      DATA_DIR: dataDir,
      ...install.env,
      AMO_CLIENT_ID: 'ack-crash-client',
      LOG_LEVEL: 'silent',
      ...(databaseUrl && { DATABASE_URL: databaseUrl }),
    });
    cleanups.push(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
    await waitHealthy(backendUrl, child, output, 60_000);
    const { state } = emulator;
    await until(install.installed, 'the webhook subscription', 15_000);
    const hookUrl = `${backendUrl}${new URL([...state.webhooks.keys()][0] as string).pathname}`;

    const exited = new Promise((r) => child.once('exit', r));
    const acked: number[] = [];
    let killed = false;
    const now = Math.floor(Date.now() / 1000);
    await Promise.all(
      Array.from({ length: TOTAL }, async (_, i) => {
        const id = FIRST + i;
        const body = encodeAmoWebhookBody(
          [
            {
              entity: 'leads',
              action: 'update',
              record: { id, name: `Burst ${id}`, last_modified: now, account_id: state.account.id },
            },
          ],
          { id: state.account.id, subdomain: state.account.subdomain },
        );
        const res = await fetch(hookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        }).catch(() => undefined);
        if (res?.status !== 204) return;
        acked.push(id);
        // Killed with most of the burst still in flight, batches half written.
        if (!killed && acked.length >= TOTAL / 4) {
          killed = true;
          child.kill('SIGKILL');
        }
      }),
    );
    await exited;
    expect(killed).toBe(true);

    const reopened = await openDatabase({ dataDir, databaseUrl });
    try {
      const result = await reopened.db.execute(
        `select entity_id::bigint as id from webhook_inbox where entity_id between ${FIRST} and ${FIRST + TOTAL - 1}`,
      );
      const rows =
        (result as unknown as { rows?: { id: unknown }[] }).rows ?? (result as unknown as { id: unknown }[]);
      const stored = new Set(rows.map((r) => Number(r.id)));
      expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      await reopened.close();
    }
  });
});
