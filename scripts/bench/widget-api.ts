import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { isMain, startTarget } from './lib/child.js';
import { createHttpClient } from './lib/http.js';
import { maybeProfile } from './lib/profiled.js';
import { type Bench, ms, sleep } from './lib/report.js';
import { runAlone } from './lib/run.js';
import { disposableTokenSigner, tokenSupply } from './lib/tokens.js';
import type { StackInfo } from './targets/stack-server.js';

const CONNECTIONS = 64;
const mb = (b: number | undefined) => (b === undefined ? 'n/a' : `${(b / 1024 / 1024).toFixed(0)} MB`);
const ROUTE = '/api/v1/leads/1001/stock';

interface Load {
  label: string;
  rps: number;
  ok: number;
  /** Answers other than the expected status. */
  other: number;
  timeouts: number;
  errors: number;
  p50: number;
  p99: number;
  seconds: number;
}

/** autocannon at 64 connections; every request carries a fresh token (the replay store must see a new jti). */
async function load(
  label: string,
  url: string,
  path: string,
  nextToken: () => string,
  seconds: number,
  okStatus = 200,
): Promise<Load> {
  const r = await autocannon({
    url: `${url}${path}`,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'X-Auth-Token': nextToken() } }),
      },
    ],
  });
  return {
    label,
    rps: (okStatus === 404 ? r['4xx'] : r['2xx']) / r.duration,
    ok: okStatus === 404 ? r['4xx'] : r['2xx'],
    other: r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'] - (okStatus === 404 ? r['4xx'] : r['2xx']),
    timeouts: r.timeouts,
    errors: r.errors,
    p50: r.latency.p50,
    p99: r.latency.p99,
    seconds: r.duration,
  };
}

const describe = (l: Load, what = '2xx') =>
  `${l.rps.toFixed(l.rps < 100 ? 1 : 0)} req/s (${what}), p50 ${ms(l.p50)} · p99 ${ms(l.p99)}` +
  (l.other || l.timeouts || l.errors
    ? `; other answers ${l.other}, timeouts ${l.timeouts}, errors ${l.errors}`
    : '');

const bench: Bench = {
  name: 'widget-api',
  title: `widget API throughput at ${CONNECTIONS} connections vs a minimal Hono + jose route`,
  async run(ctx, out) {
    const seconds = 10;

    // (1) The yardstick.
    const secret = 'bench-baseline-client-secret-0123456789';
    const baseline = await startTarget<{ url: string }>('scripts/bench/targets/baseline-server.ts', {
      env: { BASELINE_SECRET: secret, BASELINE_AUDIENCE: 'http://127.0.0.1' },
    });
    let base: Load;
    try {
      const next = tokenSupply(
        disposableTokenSigner(secret, {
          iss: 'https://bench.amocrm.ru',
          aud: 'http://127.0.0.1',
          account_id: 1,
        }),
        150_000,
      );
      ctx.log('baseline: warm-up 2 s');
      await load('warm-up', baseline.info.url, ROUTE, next, 2);
      ctx.log(`baseline: ${seconds} s`);
      base = await load('baseline', baseline.info.url, ROUTE, next, seconds);
    } finally {
      await baseline.close();
    }
    out.rows.push({ metric: 'minimal Hono route (jose HS256 verify → JSON)', value: describe(base) });

    // (2) Ours, as deployed: GET /api/v1/leads/1001/stock with a warm ERP cache, amoCRM at 7 rps.
    const variants: {
      key: string;
      label: string;
      stack: object;
      path: string;
      env?: Record<string, string>;
    }[] = [
      {
        key: 'route',
        label: `our ${ROUTE}, warm ERP cache, amoCRM limits as in production (7 rps)`,
        stack: {},
        path: ROUTE,
      },
      {
        key: 'route-unlimited',
        label: `our ${ROUTE}, warm ERP cache, amoCRM limits lifted (emulator unlimited, AMO_RATE_LIMIT=50)`,
        stack: { emulator: { rateLimitPerSecond: 0 }, env: { AMO_RATE_LIMIT: '50' } },
        path: ROUTE,
      },
      {
        key: 'auth-only',
        label:
          'our auth layer alone (token verify + installation + jti claim → 404 for an unknown /api/v1 path)',
        stack: {},
        path: '/api/v1/bench-no-such-route',
      },
    ];
    if (ctx.postgresUrl)
      variants.push({
        key: 'route-pg',
        label: `our ${ROUTE} on PostgreSQL, warm ERP cache, amoCRM limits as in production (7 rps)`,
        stack: {},
        path: ROUTE,
        env: { BENCH_POSTGRES: ctx.postgresUrl },
      });
    if (ctx.postgresUrl)
      variants.push({
        key: 'auth-only-pg',
        label: 'our auth layer alone on PostgreSQL (same probe, fresh database)',
        stack: {},
        path: '/api/v1/bench-no-such-route',
        env: { BENCH_POSTGRES: ctx.postgresUrl },
      });
    const authOnly = (key: string) => key.startsWith('auth-only');
    const results = new Map<string, Load>();
    const memory: string[] = [];
    const where: string[] = [];
    for (const v of variants) {
      // PGlite variants on a data directory of their own (as deployed: the build's template copied),
      // not in memory (that would run initdb in the server process and count its memory peak).
      const dataDir = v.env?.BENCH_POSTGRES ? undefined : mkdtempSync(join(tmpdir(), 'erpb-bench-wa-'));
      const stack = dataDir
        ? { ...v.stack, env: { ...(v.stack as { env?: object }).env, DATA_DIR: dataDir } }
        : v.stack;
      const profile =
        v.key.startsWith('route-') || v.key === 'route'
          ? { nodeArgs: [], summary: () => undefined }
          : maybeProfile();
      const target = await startTarget<StackInfo>('scripts/bench/targets/stack-server.ts', {
        env: { BENCH_STACK: JSON.stringify(stack), ...v.env },
        nodeArgs: profile.nodeArgs,
        readyTimeoutMs: 180_000, // a loaded shared machine can take over a minute to start it
      });
      try {
        const sign = disposableTokenSigner(target.info.secret, {
          iss: `https://${target.info.subdomain}.amocrm.ru`,
          aud: target.info.backend,
          account_id: target.info.accountId,
        });
        // Warm the ERP cache and the JIT with a few sequential requests.
        const http = createHttpClient(target.info.backend, 1);
        for (let i = 0; i < 5; i++) {
          const res = await http.send('GET', v.path, { 'X-Auth-Token': sign() });
          const expected = authOnly(v.key) ? 404 : 200;
          if (res.status !== expected)
            throw new Error(`${v.path} answered ${res.status}: ${res.body.slice(0, 200)}`);
        }
        http.close();
        await sleep(1000);
        const since = Date.now();
        ctx.log(`${v.key}: ${seconds} s`);
        const next = tokenSupply(sign, authOnly(v.key) ? 60_000 : 20_000);
        const idleRss = target.rss();
        let peakRss = idleRss ?? 0;
        const sampler = setInterval(() => {
          peakRss = Math.max(peakRss, target.rss() ?? 0);
        }, 200);
        const r = await load(
          v.label,
          target.info.backend,
          v.path,
          next,
          seconds,
          authOnly(v.key) ? 404 : 200,
        );
        clearInterval(sampler);
        memory.push(`${v.key}: ${mb(idleRss)} idle → ${mb(peakRss)} peak under load`);
        results.set(v.key, r);
        const amo = await target.call<{ total: number; byStatus: Record<string, number> }>('emulatorCalls', {
          since,
        });
        out.rows.push({
          metric: v.label,
          value: describe(r, authOnly(v.key) ? '404 after auth' : '2xx'),
          ...((v.key === 'route' || v.key === 'route-pg') && {
            budget: `≥ 50 % of the baseline's req/s; p99 ≤ 15 ms`,
            ok: r.rps >= 0.5 * base.rps && r.p99 <= 15,
          }),
        });
        if (!authOnly(v.key))
          where.push(
            `${v.key}: amoCRM emulator answered ${amo.total} API calls during the run (${Object.entries(
              amo.byStatus,
            )
              .map(([s, n]) => `${n}× ${s}`)
              .join(', ')}) for ${r.ok} successful requests`,
          );
      } finally {
        await target.close();
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      }
      const prof = profile.summary();
      if (prof) out.notes.push(`${v.key}: ${prof}`);
    }

    const route = results.get('route');
    const routePg = results.get('route-pg');
    const unlimited = results.get('route-unlimited');
    const auth = results.get('auth-only');
    const authPg = results.get('auth-only-pg');
    for (const [name, r] of [
      ['PGlite', route],
      ['PostgreSQL', routePg],
    ] as const) {
      if (!r) continue;
      const ratio = r.rps / base.rps;
      out.rows.push({
        metric: `${name}: ratio our route / baseline (req/s), same run`,
        value: `${(100 * ratio).toFixed(2)} %`,
        budget: '≥ 50 %',
        ok: ratio >= 0.5,
      });
      out.rows.push({
        metric: `${name}: p99 of our route at 64 connections (baseline p99 ${ms(base.p99)})`,
        value: ms(r.p99),
        budget: '≤ 15 ms',
        ok: r.p99 <= 15,
      });
    }
    out.rows.push({
      metric: 'server RSS per variant (stack-server under tsx: backend + emulator in one process)',
      value: memory.join('; '),
    });
    if (unlimited)
      out.notes.push(
        `with amoCRM limits lifted the route reaches ${(100 * (unlimited.rps / base.rps)).toFixed(2)} % of the baseline.`,
      );
    if (auth)
      out.notes.push(
        `the auth layer alone (verify + installation lookup + jti insert on PGlite) reaches ${(100 * (auth.rps / base.rps)).toFixed(1)} % of the baseline.`,
      );
    if (authPg)
      out.notes.push(
        `on PostgreSQL the auth layer alone reaches ${(100 * (authPg.rps / base.rps)).toFixed(1)} % of the baseline.`,
      );
    out.notes.push(...where.map((w) => `${w}.`));
    out.notes.push(
      `Each server in its own process, autocannon in this one (${CONNECTIONS} connections, ${seconds} s after a warm-up, ` +
        '10 s request timeout); every request carries a fresh HS256 token with a new jti (pre-signed, then signed on ' +
        'demand), so replays never happen. req/s counts 2xx answers only (404 for the auth-only probe).',
    );
    if (process.env.BENCH_PROFILE !== '1')
      out.notes.push(
        'Set BENCH_PROFILE=1 to add CPU profiles of the limits-lifted route and the auth-only probe.',
      );
  },
};

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
