import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackInfo } from '../targets/stack-server.js';
import { startTarget } from './child.js';
import { startCompiledDeployment } from './compiled-deployment.js';

/** The inbox as the database holds it: events stored (in the id range, or all) and not yet processed. */
export interface InboxCounts {
  events: number;
  pending: number;
}

/** One way of running the backend for the ack benchmark: where to post, and how to read the inbox. */
export interface AckTarget {
  backend: string;
  hookPath: string;
  accountId: number;
  subdomain: string;
  /** The process that answers the hooks, and the worker beside it (ROLE=web + ROLE=worker). */
  pids: { web: number; worker?: number };
  rss(): number | undefined;
  inbox(from: number, to: number): Promise<InboxCounts>;
  close(): Promise<void>;
}

const SECRET = 'bench-ack-client-secret-0123456789';
const METRICS_TOKEN = 'bench-ack-metrics-token';

/**
 * The stack-server under tsx (backend, queue and jobs in one process with the amoCRM emulator):
 * what the benchmark measured before the compiled modes existed, kept as the all-in-one row.
 */
export async function startStackTarget(
  backend: 'pglite' | 'postgres',
  postgresUrl: string | undefined,
  nodeArgs: string[],
): Promise<AckTarget> {
  // PGlite on a data directory, as deployed (the build's template copied), not in memory.
  const dataDir = backend === 'pglite' ? mkdtempSync(join(tmpdir(), 'erpb-bench-ack-')) : undefined;
  const target = await startTarget<StackInfo>('scripts/bench/targets/stack-server.ts', {
    env: {
      BENCH_STACK: JSON.stringify(dataDir ? { env: { DATA_DIR: dataDir } } : {}),
      ...(backend === 'postgres' && { BENCH_POSTGRES: postgresUrl as string }),
    },
    nodeArgs,
    readyTimeoutMs: 180_000, // a loaded shared machine can take over a minute to start it
  });
  return {
    backend: target.info.backend,
    hookPath: `/webhooks/amocrm/${target.info.hookKey}`,
    accountId: target.info.accountId,
    subdomain: target.info.subdomain,
    pids: { web: target.pid },
    rss: () => target.rss(),
    inbox: (from, to) => target.call<InboxCounts>('inbox', { from, to }),
    async close() {
      await target.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The compiled production start (`node server/dist/start.js`, or `entry`): on PostgreSQL a
 * ROLE=web instance that answers with a ROLE=worker beside it, on PGlite one ROLE=all process
 * (the embedded engine lives in one process). The amoCRM emulator runs in the benchmark's
 * process. The inbox is read through the web instance's /readyz detail (whole database).
 */
export async function startCompiledTarget(
  backend: 'pglite' | 'postgres',
  postgresUrl: string | undefined,
  opts: { entry?: string; nodeArgs?: string[] } = {},
): Promise<AckTarget> {
  const deployment = await startCompiledDeployment({
    secret: SECRET,
    clientId: 'bench-ack-client',
    ...(backend === 'postgres' && { postgresUrl }),
    env: { METRICS_TOKEN },
    server: opts,
  });
  const { url, web, worker, emulator } = deployment;
  const hookPath = new URL([...emulator.state.webhooks.keys()][0] as string).pathname;
  return {
    backend: url,
    hookPath,
    accountId: emulator.state.account.id,
    subdomain: emulator.state.account.subdomain,
    pids: { web: web.pid, ...(worker && { worker: worker.pid }) },
    rss: () => web.rss(),
    async inbox() {
      const res = await fetch(`${url}/readyz`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      const body = (await res.json()) as { checks?: { webhooks?: { total: number; pending: number } } };
      const w = body.checks?.webhooks;
      if (!w) throw new Error(`/readyz answered ${res.status} without the inbox counts`);
      return { events: w.total, pending: w.pending };
    },
    close: () => deployment.close(),
  };
}
