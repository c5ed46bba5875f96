import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartedAmoEmulator } from '@erp-bridge/emulator-amocrm';
import { longLivedInstall } from '../../../tests/support/long-lived-install.js';
import { freePort } from '../../../tests/support/ports.js';
import { type CompiledServer, startCompiled, waitFor } from './compiled-server.js';

export interface CompiledDeployment {
  /** Where the answering instance listens. */
  url: string;
  /** The answering instance: ROLE=web on PostgreSQL, ROLE=all on PGlite. */
  web: CompiledServer;
  /** The ROLE=worker beside it (PostgreSQL only). */
  worker?: CompiledServer;
  emulator: StartedAmoEmulator;
  close(): Promise<void>;
}

/**
 * The compiled production start as a bench target: a private integration (long-lived token) on
 * the amoCRM emulator in the benchmark's process, installed before this resolves. With
 * `postgresUrl`, a fresh database with a ROLE=worker (it migrates and runs the jobs) and a
 * ROLE=web that answers; without, one ROLE=all process on PGlite (the embedded engine lives in one
 * process). `webEnv` goes to the answering instance only (NODE_OPTIONS under comparison, say).
 */
export async function startCompiledDeployment(opts: {
  secret: string;
  clientId: string;
  postgresUrl?: string;
  env?: Record<string, string>;
  webEnv?: Record<string, string>;
  server?: Parameters<typeof startCompiled>[2];
}): Promise<CompiledDeployment> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const install = await longLivedInstall(url, opts.secret);
  const { emulator } = install;
  const dataDir = mkdtempSync(join(tmpdir(), 'erpb-bench-compiled-'));
  const servers: CompiledServer[] = [];
  let dropDb = async () => {};
  const close = async () => {
    for (const s of servers.reverse()) await s.stop();
    await emulator.close();
    await dropDb();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      ...install.env,
      AMO_CLIENT_ID: opts.clientId,
      ...opts.env,
    };
    let worker: CompiledServer | undefined;
    if (opts.postgresUrl) {
      // Imported here: test-databases refuses to load under CI without TEST_DATABASE_URL.
      const { freshPostgresDatabase } = await import('../../../server/src/db/test-databases.js');
      const fresh = await freshPostgresDatabase(opts.postgresUrl);
      dropDb = fresh.drop;
      env.DATABASE_URL = fresh.url;
      worker = await startCompiled({ ...env, ROLE: 'worker' }, undefined, opts.server);
      servers.push(worker);
      env.ROLE = 'web';
    }
    const web = await startCompiled({ ...env, ...opts.webEnv }, port, opts.server);
    servers.push(web);
    await waitFor(install.installed, 'the installation', 60_000);
    return { url, web, ...(worker && { worker }), emulator, close };
  } catch (err) {
    await close();
    throw err;
  }
}
