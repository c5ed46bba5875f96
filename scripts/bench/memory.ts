import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { longLivedInstall } from '../../tests/support/long-lived-install.js';
import { freePort } from '../../tests/support/ports.js';
import { isMain } from './lib/child.js';
import { type CompiledServer, startCompiled, waitFor } from './lib/compiled-server.js';
import { type Bench, ms } from './lib/report.js';
import { runAlone } from './lib/run.js';
import { disposableTokenSigner, tokenSupply } from './lib/tokens.js';

const SECRET = 'bench-memory-client-secret-0123456789';
const ROUTE = '/api/v1/leads/1001/stock';
const SECONDS = 8;
const mb = (b: number | undefined) => (b === undefined ? 'n/a' : `${(b / 1024 / 1024).toFixed(0)} MB`);
const load1 = () => (loadavg()[0] ?? 0).toFixed(1);

/**
 * Memory per production mode, from the compiled start (`node server/dist/start.js`, no tsx and no
 * emulator in the process, which the stack-server benchmarks carry): RSS idle once ready, and the
 * peak under the widget-API load (64 connections, a fresh token per request). The amoCRM emulator
 * runs in this process.
 */
const bench: Bench = {
  name: 'memory',
  title: `RSS of the compiled server per mode, idle and under the widget API at 64 connections (${SECONDS} s)`,
  async run(ctx, out) {
    const modes = [
      { key: 'pglite-all', label: 'PGlite, ROLE=all (embedded, one process)', idle: 300, load: 400 },
      ...(ctx.postgresUrl
        ? [
            {
              key: 'postgres-web',
              label: 'PostgreSQL, ROLE=web (a worker runs beside it)',
              idle: 150,
              load: 150,
            },
          ]
        : []),
    ];
    for (const mode of modes) {
      const port = await freePort();
      const backend = `http://127.0.0.1:${port}`;
      const install = await longLivedInstall(backend, SECRET);
      const { emulator } = install;
      const dataDir = mkdtempSync(join(tmpdir(), 'erpb-bench-mem-'));
      const servers: CompiledServer[] = [];
      let dropDb = async () => {};
      try {
        const env: Record<string, string> = {
          DATA_DIR: dataDir,
          ...install.env,
          AMO_CLIENT_ID: 'bench-memory-client',
        };
        if (mode.key === 'postgres-web') {
          const { freshPostgresDatabase } = await import('../../server/src/db/test-databases.js');
          const fresh = await freshPostgresDatabase(ctx.postgresUrl as string);
          dropDb = fresh.drop;
          env.DATABASE_URL = fresh.url;
          // The worker migrates and runs the jobs; the web instance answers.
          servers.push(await startCompiled({ ...env, ROLE: 'worker' }));
          env.ROLE = 'web';
        }
        const server = await startCompiled(env, port);
        servers.push(server);
        await waitFor(install.installed, 'the installation', 60_000);
        const sign = disposableTokenSigner(SECRET, {
          iss: `https://${emulator.state.account.subdomain}.amocrm.ru`,
          aud: backend,
          account_id: emulator.state.account.id,
        });
        for (let i = 0; i < 5; i++) {
          const res = await fetch(`${backend}${ROUTE}`, { headers: { 'X-Auth-Token': sign() } });
          if (res.status !== 200) throw new Error(`${ROUTE} answered ${res.status}: ${await res.text()}`);
          await res.body?.cancel();
        }
        await new Promise((r) => setTimeout(r, 2000));
        const idle = server.rss();
        const idleLoad = load1();
        let peak = idle ?? 0;
        const sampler = setInterval(() => {
          peak = Math.max(peak, server.rss() ?? 0);
        }, 100);
        const next = tokenSupply(sign, 20_000);
        ctx.log(`${mode.key}: ${SECONDS} s at 64 connections`);
        const r = await autocannon({
          url: `${backend}${ROUTE}`,
          connections: 64,
          duration: SECONDS,
          timeout: 10,
          requests: [
            {
              method: 'GET',
              setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'X-Auth-Token': next() } }),
            },
          ],
        });
        clearInterval(sampler);
        out.rows.push({
          metric: `${mode.label}: RSS idle (load ${idleLoad})`,
          value: mb(idle),
          budget: `≤ ${mode.idle} MB`,
          ok: (idle ?? Infinity) <= mode.idle * 1024 * 1024,
        });
        out.rows.push({
          metric: `${mode.label}: RSS peak under the widget API (load ${load1()})`,
          value: `${mb(peak)} (${(r['2xx'] / r.duration).toFixed(0)} req/s 2xx, p50 ${ms(r.latency.p50)} · p99 ${ms(r.latency.p99)}, non-2xx ${r.non2xx})`,
          budget: `≤ ${mode.load} MB`,
          ok: peak <= mode.load * 1024 * 1024,
        });
      } finally {
        for (const s of servers.reverse()) await s.stop();
        await emulator.close();
        await dropDb();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    out.notes.push(
      'The compiled start with a long-lived-token installation against the amoCRM emulator (in the benchmark process, ' +
        'amoCRM limits as in production), ERP = the built-in stock store. RSS is /proc VmRSS of the server process alone, ' +
        'read 2 s after warm-up (idle) and every 100 ms under load (peak). The load average (1 min) at each reading ' +
        'is beside the metric: the machine is shared.',
    );
    if (!ctx.postgresUrl) out.notes.push('PostgreSQL mode skipped: TEST_DATABASE_URL is not set.');
  },
};

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
