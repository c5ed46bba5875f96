import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { isMain, startTarget } from './lib/child.js';
import { createHttpClient } from './lib/http.js';
import { type Bench, ms, sleep } from './lib/report.js';
import { runAlone } from './lib/run.js';
import { disposableTokenSigner, tokenSupply } from './lib/tokens.js';
import type { StackInfo } from './targets/stack-server.js';

/**
 * The hot-path cost of the request journal: the widget API (warm ERP cache) in one backend, with
 * journaling switched off and on in alternating rounds of the same run, so both see the same
 * process, JIT and database. Every request is journaled (the incoming widget call; a warm cache
 * makes no outgoing call), which is the journal's worst ratio of records to work.
 */
const CONNECTIONS = 64;
const ROUTE = '/api/v1/leads/1001/stock';

const bench: Bench = {
  name: 'journal',
  title: 'request journal: widget API req/s with and without journaling (same run, alternating rounds)',
  async run(ctx, out) {
    const seconds = ctx.quick ? 4 : 8;
    const rounds = ctx.quick ? 1 : 2;
    const dataDir = mkdtempSync(join(tmpdir(), 'erpb-bench-journal-'));
    const target = await startTarget<StackInfo>('scripts/bench/targets/stack-server.ts', {
      env: {
        BENCH_STACK: JSON.stringify({
          emulator: { rateLimitPerSecond: 0 },
          env: { AMO_RATE_LIMIT: '50', DATA_DIR: dataDir },
        }),
      },
    });
    try {
      const sign = disposableTokenSigner(target.info.secret, {
        iss: `https://${target.info.subdomain}.amocrm.ru`,
        aud: target.info.backend,
        account_id: target.info.accountId,
      });
      const http = createHttpClient(target.info.backend, 1);
      for (let i = 0; i < 5; i++) {
        const res = await http.send('GET', ROUTE, { 'X-Auth-Token': sign() });
        if (res.status !== 200) throw new Error(`${ROUTE} answered ${res.status}`);
      }
      http.close();
      const next = tokenSupply(sign, 40_000);
      const runOnce = async () => {
        const r = await autocannon({
          url: `${target.info.backend}${ROUTE}`,
          connections: CONNECTIONS,
          duration: seconds,
          timeout: 10,
          requests: [
            {
              method: 'GET',
              setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'X-Auth-Token': next() } }),
            },
          ],
        });
        return { rps: r['2xx'] / r.duration, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
      };
      ctx.log('journal: warm-up');
      await runOnce();
      const results = {
        off: [] as Awaited<ReturnType<typeof runOnce>>[],
        on: [] as Awaited<ReturnType<typeof runOnce>>[],
      };
      let stats = { written: 0, dropped: 0 };
      for (let round = 0; round < rounds; round++) {
        for (const mode of ['off', 'on'] as const) {
          await target.call('journaling', { on: mode === 'on' });
          await sleep(500);
          ctx.log(`journal ${mode}: ${seconds} s`);
          results[mode].push(await runOnce());
        }
      }
      stats = await target.call('journaling', { on: true });
      const mean = (xs: { rps: number }[]) => xs.reduce((a, x) => a + x.rps, 0) / xs.length;
      const off = mean(results.off);
      const on = mean(results.on);
      const cost = 1 - on / off;
      const line = (xs: Awaited<ReturnType<typeof runOnce>>[]) =>
        xs
          .map(
            (x) =>
              `${x.rps.toFixed(0)} req/s (p99 ${ms(x.p99)}${x.non2xx || x.errors ? `, ${x.non2xx} non-2xx, ${x.errors} errors` : ''})`,
          )
          .join(' · ');
      out.rows.push({ metric: `${ROUTE} without journaling`, value: line(results.off) });
      out.rows.push({ metric: `${ROUTE} with journaling`, value: line(results.on) });
      out.rows.push({
        metric: 'journaling cost (mean req/s, with vs without)',
        value: `${(cost * 100).toFixed(1)} % lower (${on.toFixed(0)} vs ${off.toFixed(0)} req/s)`,
        budget: '≤ 5 % lower',
        ok: cost <= 0.05,
      });
      out.notes.push(
        `Journal rows written during the run: ${stats.written}, dropped: ${stats.dropped} (a full buffer drops, never waits).`,
        `${CONNECTIONS} connections, ${rounds} alternating round(s) of ${seconds} s per mode after a warm-up; embedded PGlite; fresh token per request.`,
      );
    } finally {
      await target.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
