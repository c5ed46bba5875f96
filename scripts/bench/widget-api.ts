import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { cpuMsOf, isMain, startTarget, type Target } from './lib/child.js';
import { createHttpClient } from './lib/http.js';
import { maybeProfile } from './lib/profiled.js';
import { type Bench, ms, sleep } from './lib/report.js';
import { runAlone } from './lib/run.js';
import { disposableTokenSigner, tokenSupply } from './lib/tokens.js';
import type { StackInfo } from './targets/stack-server.js';

const CONNECTIONS = 64;
const ROUTE = '/api/v1/leads/1001/stock';
const mb = (b: number | undefined) => (b === undefined ? 'n/a' : `${(b / 1024 / 1024).toFixed(0)} MB`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

interface Load {
  rps: number;
  ok: number;
  /** Answers other than the expected status, timeouts, socket errors. */
  bad: number;
  p50: number;
  p99: number;
  /** Server CPU time per answered request, µs (user + system, from /proc). */
  cpuUs: number;
}

/** One server under test: how to reach it, what it must answer, and its rounds so far. */
interface Subject {
  key: string;
  label: string;
  url: string;
  path: string;
  okStatus: number;
  pid: number;
  sign: () => string;
  next: () => string;
  rounds: Load[];
  rss(): number | undefined;
  idleRss?: number;
  peakRss: number;
  close(): Promise<void>;
  profileSummary(): string | undefined;
  /** amoCRM API calls the emulator answered since `since` (epoch ms): a warm cache makes none. */
  amoCalls?(since: number): Promise<number>;
}

/** autocannon at 64 connections, every request with a fresh token (the replay store sees a new jti). */
async function load(s: Subject, seconds: number, overallRate?: number): Promise<Load> {
  // Tokens signed ahead for what this round will likely take (signing during the round would slow
  // the load generator, which shares this process's event loop).
  const expected = overallRate ?? Math.max(...s.rounds.map((l) => l.rps), 4000);
  s.next = tokenSupply(s.sign, Math.ceil(1.3 * expected * seconds));
  const cpu0 = cpuMsOf(s.pid) ?? Number.NaN;
  const sampler = setInterval(() => {
    s.peakRss = Math.max(s.peakRss, s.rss() ?? 0);
  }, 200);
  const r = await autocannon({
    url: `${s.url}${s.path}`,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
    ...(overallRate && { overallRate }),
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'X-Auth-Token': s.next() } }),
      },
    ],
  });
  clearInterval(sampler);
  const ok = s.okStatus === 404 ? r['4xx'] : r['2xx'];
  const all = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];
  return {
    rps: ok / r.duration,
    ok,
    bad: all - ok + r.timeouts + r.errors,
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpuUs: ok ? (1000 * ((cpuMsOf(s.pid) ?? Number.NaN) - cpu0)) / ok : Number.NaN,
  };
}

/** The medians of a subject's rounds. */
function summary(s: Subject) {
  const of = (f: (l: Load) => number) => median(s.rounds.map(f));
  return { rps: of((l) => l.rps), p50: of((l) => l.p50), p99: of((l) => l.p99), cpuUs: of((l) => l.cpuUs) };
}

const describe = (s: Subject) => {
  const m = summary(s);
  const bad = s.rounds.reduce((n, l) => n + l.bad, 0);
  return (
    `${m.rps.toFixed(0)} req/s (${s.okStatus === 404 ? '404 after auth' : '2xx'}), p50 ${ms(m.p50)} · p99 ${ms(m.p99)}, ` +
    `${m.cpuUs.toFixed(0)} µs CPU/request; rounds ${s.rounds.map((l) => l.rps.toFixed(0)).join(' / ')} req/s` +
    (bad ? `; other answers, timeouts or errors: ${bad}` : '')
  );
};

interface Variant {
  key: string;
  label: string;
  stack: { env?: Record<string, string>; emulator?: object };
  path: string;
  env?: Record<string, string>;
}

/** Starts the backend of one variant (PGlite on a data directory, as deployed) and warms it. */
async function startVariant(v: Variant, seconds: number): Promise<Subject> {
  const dataDir = v.env?.BENCH_POSTGRES ? undefined : mkdtempSync(join(tmpdir(), 'erpb-bench-wa-'));
  const stack = dataDir ? { ...v.stack, env: { ...v.stack.env, DATA_DIR: dataDir } } : v.stack;
  const profile = v.key.startsWith('auth-only') ? maybeProfile() : { nodeArgs: [], summary: () => undefined };
  const target: Target<StackInfo> = await startTarget<StackInfo>('scripts/bench/targets/stack-server.ts', {
    env: { BENCH_STACK: JSON.stringify(stack), ...v.env },
    nodeArgs: profile.nodeArgs,
    readyTimeoutMs: 180_000, // a loaded shared machine can take over a minute to start it
  });
  const sign = disposableTokenSigner(target.info.secret, {
    iss: `https://${target.info.subdomain}.amocrm.ru`,
    aud: target.info.backend,
    account_id: target.info.accountId,
  });
  const okStatus = v.key.startsWith('auth-only') ? 404 : 200;
  // Warm the ERP cache with a few sequential requests.
  const http = createHttpClient(target.info.backend, 1);
  for (let i = 0; i < 5; i++) {
    const res = await http.send('GET', v.path, { 'X-Auth-Token': sign() });
    if (res.status !== okStatus)
      throw new Error(`${v.path} answered ${res.status}: ${res.body.slice(0, 200)}`);
  }
  http.close();
  const subject: Subject = {
    key: v.key,
    label: v.label,
    url: target.info.backend,
    path: v.path,
    okStatus,
    pid: target.pid,
    sign,
    next: sign,
    rounds: [],
    rss: () => target.rss(),
    peakRss: 0,
    async close() {
      await target.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    profileSummary: () => profile.summary(),
    amoCalls: async (since) => (await target.call<{ total: number }>('emulatorCalls', { since })).total,
  };
  await load(subject, Math.min(2, seconds)); // JIT and pools warm; not counted
  await sleep(500);
  subject.idleRss = subject.rss();
  subject.peakRss = subject.idleRss ?? 0;
  return subject;
}

const bench: Bench = {
  name: 'widget-api',
  title: `widget API throughput at ${CONNECTIONS} connections vs a minimal Hono + jose route, alternating rounds`,
  async run(ctx, out) {
    const seconds = ctx.quick ? 3 : 5;
    const roundCount = ctx.quick ? 2 : 3;
    const secret = 'bench-baseline-client-secret-0123456789';
    const baselineTarget = await startTarget<{ url: string }>('scripts/bench/targets/baseline-server.ts', {
      env: { BASELINE_SECRET: secret, BASELINE_AUDIENCE: 'http://127.0.0.1' },
    });
    const baseline: Subject = {
      key: 'baseline',
      label: 'minimal Hono route (jose HS256 verify → JSON)',
      url: baselineTarget.info.url,
      path: ROUTE,
      okStatus: 200,
      pid: baselineTarget.pid,
      sign: disposableTokenSigner(secret, {
        iss: 'https://bench.amocrm.ru',
        aud: 'http://127.0.0.1',
        account_id: 1,
      }),
      next: () => '',
      rounds: [],
      rss: () => baselineTarget.rss(),
      peakRss: 0,
      close: () => baselineTarget.close(),
      profileSummary: () => undefined,
    };
    const variants: Variant[] = [
      {
        key: 'route',
        label: `our ${ROUTE}, PGlite, warm ERP cache, amoCRM at 7 rps`,
        stack: {},
        path: ROUTE,
      },
      {
        key: 'auth-only',
        label:
          'our auth layer alone, PGlite (verify + installation + jti claim → 404 for an unknown /api/v1 path)',
        stack: {},
        path: '/api/v1/bench-no-such-route',
      },
    ];
    if (ctx.postgresUrl)
      variants.push(
        {
          key: 'route-pg',
          label: `our ${ROUTE}, PostgreSQL, warm ERP cache, amoCRM at 7 rps`,
          stack: {},
          path: ROUTE,
          env: { BENCH_POSTGRES: ctx.postgresUrl },
        },
        {
          key: 'auth-only-pg',
          label: 'our auth layer alone, PostgreSQL (same probe, fresh database)',
          stack: {},
          path: '/api/v1/bench-no-such-route',
          env: { BENCH_POSTGRES: ctx.postgresUrl },
        },
      );
    const subjects: Subject[] = [baseline];
    let since = Date.now();
    try {
      await load(baseline, 2);
      for (const v of variants) subjects.push(await startVariant(v, seconds));
      since = Date.now();
      // Alternating rounds: a shared machine's slow spell falls on every server alike.
      for (let round = 1; round <= roundCount; round++)
        for (const s of subjects) {
          ctx.log(`round ${round}/${roundCount}: ${s.key}, ${seconds} s`);
          s.rounds.push(await load(s, seconds));
        }
      const base = summary(baseline);
      out.rows.push({ metric: baseline.label, value: describe(baseline) });
      for (const s of subjects.slice(1)) out.rows.push({ metric: s.label, value: describe(s) });
      for (const [name, key] of [
        ['PGlite', 'route'],
        ['PostgreSQL', 'route-pg'],
      ] as const) {
        const s = subjects.find((x) => x.key === key);
        if (!s) continue;
        const m = summary(s);
        out.rows.push({
          metric: `${name}: ratio our route / baseline (req/s), same run`,
          value: `${((100 * m.rps) / base.rps).toFixed(1)} % (by CPU per request: ${((100 * base.cpuUs) / m.cpuUs).toFixed(1)} %)`,
          budget: '≥ 50 %',
          ok: m.rps >= 0.5 * base.rps,
        });
        out.rows.push({
          metric: `${name}: p99 of our route at 64 connections, as fast as it answers (baseline p99 ${ms(base.p99)})`,
          value: ms(m.p99),
          budget: '≤ 15 ms',
          ok: m.p99 <= 15,
        });
        // The ratio's own load: half the baseline's rate, spread over the same 64 connections.
        const rate = Math.round(base.rps / 2);
        ctx.log(`${key}: paced at ${rate} req/s, ${seconds} s`);
        const paced = await load(s, seconds, rate);
        out.rows.push({
          metric: `${name}: p99 of our route at 64 connections, paced at half the baseline's rate (${rate} req/s)`,
          value: `${ms(paced.p99)} (p50 ${ms(paced.p50)}, ${paced.rps.toFixed(0)} req/s answered${paced.bad ? `, ${paced.bad} bad` : ''})`,
          budget: '≤ 15 ms',
          ok: paced.p99 <= 15 && paced.rps >= 0.95 * rate,
        });
      }
      out.rows.push({
        metric: 'server RSS per variant (stack-server under tsx: backend + emulator in one process)',
        value: subjects
          .slice(1)
          .map((s) => `${s.key}: ${mb(s.idleRss)} idle → ${mb(s.peakRss)} peak under load`)
          .join('; '),
      });
      for (const s of subjects)
        if (s.amoCalls && s.okStatus === 200)
          out.notes.push(
            `${s.key}: the amoCRM emulator answered ${await s.amoCalls(since)} API calls during the rounds.`,
          );
    } finally {
      for (const s of subjects) await s.close();
    }
    for (const s of subjects) {
      const prof = s.profileSummary();
      if (prof) out.notes.push(`${s.key}: ${prof}`);
    }
    out.notes.push(
      `Each server in its own process, started together; autocannon in this one (${CONNECTIONS} connections, ` +
        `${roundCount} alternating rounds of ${seconds} s after a warm-up, medians shown). Every request carries a ` +
        'fresh HS256 token with a new jti, so replays never happen. req/s counts the expected answers only. ' +
        'CPU per request is read from /proc: it is the figure a shared machine disturbs least.',
    );
    if (process.env.BENCH_PROFILE !== '1')
      out.notes.push('Set BENCH_PROFILE=1 to add CPU profiles of the auth-only probes.');
  },
};

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
