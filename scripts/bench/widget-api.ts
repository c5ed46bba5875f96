import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMain, startTarget, type Target } from './lib/child.js';
import { createHttpClient } from './lib/http.js';
import { maybeProfile } from './lib/profiled.js';
import { type Bench, ms, sleep } from './lib/report.js';
import { runAlone } from './lib/run.js';
import { disposableTokenSigner } from './lib/tokens.js';
import { CONNECTIONS, type Load, load, pacedLoad, type Subject } from './lib/widget-load.js';
import type { StackInfo } from './targets/stack-server.js';

const ROUTE = '/api/v1/leads/1001/stock';
const mb = (b: number | undefined) => (b === undefined ? 'n/a' : `${(b / 1024 / 1024).toFixed(0)} MB`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** The medians of a subject's rounds. */
function summary(s: Subject) {
  const of = (f: (l: Load) => number) => median(s.rounds.map(f));
  return {
    rps: of((l) => l.rps),
    p50: of((l) => l.p50),
    p99: of((l) => l.p99),
    cpuUs: of((l) => l.cpuUs),
    loopCpuUs: of((l) => l.loopCpuUs),
  };
}

const describe = (s: Subject) => {
  const m = summary(s);
  const bad = s.rounds.reduce((n, l) => n + l.bad, 0);
  return (
    `${m.rps.toFixed(0)} req/s (${s.okStatus === 404 ? '404 after auth' : '2xx'}), p50 ${ms(m.p50)} · p99 ${ms(m.p99)}, ` +
    `${m.cpuUs.toFixed(0)} µs CPU/request (event loop ${m.loopCpuUs.toFixed(0)}, other threads ${(m.cpuUs - m.loopCpuUs).toFixed(0)}); rounds ${s.rounds.map((l) => l.rps.toFixed(0)).join(' / ')} req/s` +
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
  // BENCH_PROFILE=1 profiles the auth-only probes; BENCH_PROFILE=all every variant.
  const profiled = v.key.startsWith('auth-only') || process.env.BENCH_PROFILE === 'all';
  const profile = profiled ? maybeProfile() : { nodeArgs: [], summary: () => undefined };
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
  // JIT, pools and the heap warm; not counted. After 2 s the first round still ran 5-10 % more CPU
  // a request than the next two (V8's compiler and GC threads busier), so the warm-up is a round long.
  await load(subject, seconds);
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
      await load(baseline, seconds);
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
      // The anchor for the paced rows: the same sender at the same rates against the minimal
      // route, so the tail this machine and sender add on their own is in the same run.
      const anchorPaced = new Map<number, Awaited<ReturnType<typeof pacedLoad>>>();
      for (const share of [2, 4]) {
        const rate = Math.round(base.rps / share);
        ctx.log(`baseline: paced at ${rate} req/s, ${seconds} s`);
        anchorPaced.set(share, await pacedLoad(baseline, seconds, rate));
      }
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
        // The ratio's own load (half the baseline's rate), and half that: a steady load below
        // saturation, where the tail is the server's own and not the queue's.
        for (const [share, what] of [
          [2, "half the baseline's rate"],
          [4, "a quarter of the baseline's rate"],
        ] as const) {
          const rate = Math.round(base.rps / share);
          ctx.log(`${key}: paced at ${rate} req/s, ${seconds} s`);
          const steady = await pacedLoad(s, seconds, rate);
          const anchor = anchorPaced.get(share);
          out.rows.push({
            metric: `${name}: p99 of our route at 64 connections, paced at ${what} (${rate} req/s, open loop)`,
            value:
              `${ms(steady.p99)} (p50 ${ms(steady.p50)}, ${steady.rps.toFixed(0)} req/s answered` +
              `${steady.bad ? `, ${steady.bad} bad` : ''}; sender's worst lag ${ms(steady.worstLagMs)})` +
              (anchor
                ? `; the minimal route at the same rate: p99 ${ms(anchor.p99)}, p50 ${ms(anchor.p50)}`
                : ''),
            budget: '≤ 15 ms',
            ok: steady.p99 <= 15 && steady.rps >= 0.95 * rate,
          });
        }
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
        `${roundCount} alternating rounds of ${seconds} s after a warm-up as long, medians shown). Every request carries a ` +
        'fresh HS256 token with a new jti, so replays never happen. req/s counts the expected answers only. ' +
        'CPU per request is read from /proc: it is the figure a shared machine disturbs least.',
    );
    if (process.env.BENCH_PROFILE !== '1')
      out.notes.push('Set BENCH_PROFILE=1 to add CPU profiles of the auth-only probes.');
  },
};

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
