import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { cpuMsOf, isMain } from './lib/child.js';
import { startCompiledDeployment } from './lib/compiled-deployment.js';
import type { MemoryReading } from './lib/compiled-server.js';
import { webNodeOptions } from './lib/deploy-flags.js';
import { type Bench, type BenchContext, ms } from './lib/report.js';
import { runAlone } from './lib/run.js';
import { disposableTokenSigner, tokenSupply } from './lib/tokens.js';

const SECRET = 'bench-memory-client-secret-0123456789';
const ROUTE = '/api/v1/leads/1001/stock';
const mb = (b: number | undefined) =>
  b === undefined || Number.isNaN(b) ? 'n/a' : `${(b / 1024 / 1024).toFixed(0)} MB`;
const load1 = () => (loadavg()[0] ?? 0).toFixed(1);

interface Mode {
  key: 'pglite-all' | 'postgres-web';
  label: string;
  idle: number;
  load: number;
  /** NODE_OPTIONS of the server process ('' = node's defaults). */
  nodeOptions: string;
}

interface Measured {
  idle: MemoryReading & { procRss: number };
  /** Highest of each figure under load (RSS from /proc every 100 ms, the rest from /metrics). */
  peak: MemoryReading & { procRss: number };
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** Server CPU (user + system) per 1000 answered requests, ms. */
  cpuPerKReq: number;
  /** Garbage collection time under load, per 1000 answered requests, ms. */
  gcPerKReq: number;
}

/** Where the memory is: RSS with the V8 heap used, young generation and external (off-heap buffers) beside it. */
const parts = (m: MemoryReading) =>
  `heapUsed ${mb(m.heapUsed)} of ${mb(m.heapTotal)} (young ${mb(m.newSpace)}), external ${mb(m.external)}`;

/**
 * Memory per production mode, from the compiled start (`node server/dist/start.js`, no tsx and no
 * emulator in the process, which the stack-server benchmarks carry): RSS idle once ready, and the
 * peak under the widget-API load (64 connections, a fresh token per request). The amoCRM emulator
 * runs in this process. The web instance on PostgreSQL runs twice, alternating, in one run: with
 * the NODE_OPTIONS deploy/ ships for it and with node's defaults (A/B: RSS beside req/s and p99).
 */
const bench: Bench = {
  name: 'memory',
  title:
    'RSS of the compiled server per mode, idle and under the widget API at 64 connections (8 s, 4 s quick)',
  async run(ctx, out) {
    // BENCH_WEB_NODE_OPTIONS tries other flags against node's defaults (the A/B rows).
    const shipped = process.env.BENCH_WEB_NODE_OPTIONS ?? webNodeOptions();
    const seconds = ctx.quick ? 4 : 8;
    const modes: Mode[] = [
      {
        key: 'pglite-all',
        label: 'PGlite, ROLE=all (embedded, one process)',
        idle: 300,
        load: 400,
        nodeOptions: '',
      },
    ];
    if (ctx.postgresUrl) {
      const web = (nodeOptions: string, label: string): Mode => ({
        key: 'postgres-web',
        label: `PostgreSQL, ROLE=web (a worker runs beside it)${label}`,
        idle: 150,
        load: 150,
        nodeOptions,
      });
      const rounds = ctx.quick ? 1 : 2;
      for (let i = 0; i < rounds; i++) {
        const n = rounds > 1 ? ` #${i + 1}` : '';
        // The shipped flags' rows keep the plain label (scripts/bench/lib/issue14.ts reads them).
        modes.push(web(shipped, i === 0 ? '' : `, deploy NODE_OPTIONS${n}`));
        modes.push(web('', `, node defaults (A/B)${n}`));
      }
    }
    for (const mode of modes) {
      const m = await measure(mode, seconds, ctx);
      const flags = mode.nodeOptions ? `NODE_OPTIONS ${mode.nodeOptions}` : 'node defaults';
      out.rows.push({
        metric: `${mode.label}: RSS idle (load ${load1()}; ${flags})`,
        value: `${mb(m.idle.procRss)} (${parts(m.idle)})`,
        budget: `≤ ${mode.idle} MB`,
        ok: m.idle.procRss <= mode.idle * 1024 * 1024,
      });
      out.rows.push({
        metric: `${mode.label}: RSS peak under the widget API (load ${load1()})`,
        value:
          `${mb(m.peak.procRss)} (${parts(m.peak)}; ${m.rps.toFixed(0)} req/s 2xx, p50 ${ms(m.p50)} · p99 ${ms(m.p99)}, ` +
          `non-2xx ${m.non2xx}; server CPU ${m.cpuPerKReq.toFixed(0)} ms and GC ${m.gcPerKReq.toFixed(0)} ms per 1000 requests)`,
        budget: `≤ ${mode.load} MB`,
        ok: m.peak.procRss <= mode.load * 1024 * 1024,
      });
    }
    out.notes.push(
      'The compiled start with a long-lived-token installation against the amoCRM emulator (in the benchmark process, ' +
        'amoCRM limits as in production), ERP = the built-in stock store. RSS is /proc VmRSS of the server process alone, ' +
        'read 2 s after warm-up (idle) and every 100 ms under load (peak); heapUsed/heapTotal/young/external are the ' +
        "server's own figures from its /metrics (prom-client: process.memoryUsage() and V8 heap spaces), peaks every 500 ms. " +
        'Of the RSS, ~40 MB are pages of the node executable itself (file-backed, shared by every node process on the host). ' +
        'The load average (1 min) at each reading is beside the metric: the machine is shared, so compare the A/B rows ' +
        'of one run, and CPU/GC per request rather than req/s.',
    );
    if (shipped)
      out.notes.push(`deploy/ runs web instances with NODE_OPTIONS="${shipped}" (docs/memory.md: why).`);
    if (!ctx.postgresUrl) out.notes.push('PostgreSQL mode skipped: TEST_DATABASE_URL is not set.');
  },
};

async function measure(mode: Mode, seconds: number, ctx: BenchContext): Promise<Measured> {
  const deployment = await startCompiledDeployment({
    secret: SECRET,
    clientId: 'bench-memory-client',
    ...(mode.key === 'postgres-web' && { postgresUrl: ctx.postgresUrl }),
    webEnv: { NODE_OPTIONS: mode.nodeOptions },
  });
  const { url: backend, web: server, emulator } = deployment;
  try {
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
    const idle = { ...(await server.memory()), procRss: server.rss() ?? Number.NaN };
    const peak = { ...idle };
    const rssSampler = setInterval(() => {
      peak.procRss = Math.max(peak.procRss, server.rss() ?? 0);
    }, 100);
    const heapSampler = setInterval(() => {
      void server.memory().then(
        (m) => {
          for (const k of ['rss', 'heapUsed', 'heapTotal', 'external', 'newSpace'] as const)
            peak[k] = Math.max(peak[k], m[k]);
        },
        () => {},
      );
    }, 500);
    const next = tokenSupply(sign, 20_000);
    ctx.log(`${mode.key}${mode.nodeOptions ? ` (${mode.nodeOptions})` : ''}: ${seconds} s at 64 connections`);
    const cpuBefore = cpuMsOf(server.pid) ?? 0;
    const r = await autocannon({
      url: `${backend}${ROUTE}`,
      connections: 64,
      duration: seconds,
      timeout: 10,
      requests: [
        {
          method: 'GET',
          setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'X-Auth-Token': next() } }),
        },
      ],
    });
    clearInterval(rssSampler);
    clearInterval(heapSampler);
    const cpu = (cpuMsOf(server.pid) ?? 0) - cpuBefore;
    const after = await server.memory();
    const answered = Math.max(1, r['2xx']);
    return {
      idle,
      peak,
      rps: r['2xx'] / r.duration,
      p50: r.latency.p50,
      p99: r.latency.p99,
      non2xx: r.non2xx,
      cpuPerKReq: (cpu / answered) * 1000,
      gcPerKReq: (((after.gcSeconds - idle.gcSeconds) * 1000) / answered) * 1000,
    };
  } finally {
    await deployment.close();
  }
}

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
