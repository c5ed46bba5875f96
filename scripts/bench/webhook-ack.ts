import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAmoWebhookBody } from '@erp-bridge/emulator-amocrm';
import { isMain, startTarget } from './lib/child.js';
import { createHttpClient, pool, type Timed } from './lib/http.js';
import { maybeProfile } from './lib/profiled.js';
import { type Bench, latencySummary, percentile, sleep } from './lib/report.js';
import { runAlone } from './lib/run.js';
import type { StackInfo } from './targets/stack-server.js';

const HOOKS = 2000;
const mb = (b: number | undefined) => (b === undefined ? 'n/a' : `${(b / 1024 / 1024).toFixed(0)} MB`);
const RATE = 500;
const CONNECTIONS = 64;

/** amoCRM webhook bodies (form-encoded, one lead update each), for lead ids from `firstId`. */
function bodies(info: StackInfo, firstId: number, n: number): string[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: n }, (_, i) =>
    encodeAmoWebhookBody(
      [
        {
          entity: 'leads',
          action: 'update',
          record: {
            id: firstId + i,
            name: `Bench deal ${firstId + i} — поставка`,
            status_id: 80012,
            price: 12_450,
            responsible_user_id: 6_000_001,
            last_modified: now,
            modified_user_id: 6_000_001,
            created_user_id: 6_000_001,
            date_create: now - 3600,
            pipeline_id: 8001,
            account_id: info.accountId,
            created_at: now - 3600,
            updated_at: now,
            tags: [{ id: 90_001, name: 'опт' }],
          },
        },
      ],
      { id: info.accountId, subdomain: info.subdomain },
    ),
  );
}

const bench: Bench = {
  name: 'webhook-ack',
  title: `${HOOKS} amoCRM webhooks at ${RATE}/s and all at once over ${CONNECTIONS} connections → 204 latency, all stored`,
  async run(ctx, out) {
    const backends = [
      { name: 'PGlite', env: {} as Record<string, string>, budgetMs: 50 },
      ...(ctx.postgresUrl
        ? [{ name: 'PostgreSQL', env: { BENCH_POSTGRES: ctx.postgresUrl }, budgetMs: 20 }]
        : []),
    ];
    for (const backend of backends) {
      const profile = maybeProfile();
      // PGlite on a data directory, as deployed (the build's template copied), not in memory.
      const dataDir = backend.env.BENCH_POSTGRES ? undefined : mkdtempSync(join(tmpdir(), 'erpb-bench-ack-'));
      const target = await startTarget<StackInfo>('scripts/bench/targets/stack-server.ts', {
        env: { BENCH_STACK: JSON.stringify(dataDir ? { env: { DATA_DIR: dataDir } } : {}), ...backend.env },
        nodeArgs: profile.nodeArgs,
        readyTimeoutMs: 180_000, // a loaded shared machine can take over a minute to start it
      });
      const idleRss = target.rss();
      let peakRss = idleRss ?? 0;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, target.rss() ?? 0);
      }, 200);
      const http = createHttpClient(target.info.backend, CONNECTIONS);
      try {
        const path = `/webhooks/amocrm/${target.info.hookKey}`;
        const headers = { 'content-type': 'application/x-www-form-urlencoded' };
        // amoCRM gives up after ~2 s; we wait up to 60 s so slow answers are measured, not lost.
        const post = (body: string): Promise<Timed> =>
          http
            .send('POST', path, headers, body, 60_000)
            .catch((err: Error) => ({ status: 0, ms: Number.NaN, body: err.message }));

        // Warm-up (JIT, sockets, first inserts), then let the queue drain; not counted.
        const warm = bodies(target.info, 8_000_000, 100);
        await pool(warm.length, 8, (i) => post(warm[i] as string));
        await sleep(1000);

        for (const phase of [
          { key: 'paced', label: `${backend.name}, paced ${RATE}/s`, firstId: 9_000_000 },
          {
            key: 'burst',
            label: `${backend.name}, all at once over ${CONNECTIONS} conns`,
            firstId: 9_100_000,
          },
        ] as const) {
          const list = bodies(target.info, phase.firstId, HOOKS);
          ctx.log(`${phase.label}: ${HOOKS} hooks`);
          const started = performance.now();
          let results: Timed[];
          let sentIn = 0;
          let sendLag = 0;
          if (phase.key === 'paced') {
            // Open loop: each hook leaves at its scheduled time whether or not earlier ones answered.
            const interval = 1000 / RATE;
            const inflight: Promise<Timed>[] = [];
            for (let i = 0; i < HOOKS; ) {
              const due = Math.min(HOOKS, Math.floor((performance.now() - started) / interval) + 1);
              for (; i < due; i++) {
                sendLag = Math.max(sendLag, performance.now() - (started + i * interval));
                inflight.push(post(list[i] as string));
              }
              if (i < HOOKS) await sleep(1);
            }
            sentIn = (performance.now() - started) / 1000;
            results = await Promise.all(inflight);
          } else {
            results = await pool(HOOKS, CONNECTIONS, (i) => post(list[i] as string));
          }
          const elapsed = (performance.now() - started) / 1000;
          const acked = results.filter((r) => r.status === 204);
          const lat = acked.map((r) => r.ms);
          const other = results.length - acked.length;
          const stored = await target.call<{ events: number; bodies: number }>('inbox', {
            from: phase.firstId,
            to: phase.firstId + HOOKS - 1,
          });
          const p99 = percentile(lat, 99);
          out.rows.push({
            metric: `${phase.label}: ack latency (204)`,
            value: latencySummary(lat),
            ...(phase.key === 'paced' && {
              budget: `p99 ≤ ${backend.budgetMs} ms`,
              ok: p99 <= backend.budgetMs,
            }),
          });
          out.rows.push({
            metric: `${phase.label}: 204s / stored in inbox / lost`,
            value: `${acked.length} / ${stored.events} / ${HOOKS - stored.events}`,
            budget: '0 lost',
            ok: stored.events === HOOKS && other === 0,
          });
          out.notes.push(
            `${phase.label}: ${
              phase.key === 'paced'
                ? `sent in ${sentIn.toFixed(2)} s (worst lag behind schedule ${sendLag.toFixed(1)} ms), last answer after ${elapsed.toFixed(2)} s`
                : `${elapsed.toFixed(2)} s`
            } → ${(HOOKS / elapsed).toFixed(0)} acks/s; non-204 answers: ${other}` +
              ` (no answer within 60 s: ${results.filter((r) => r.status === 0).length}); answered within amoCRM's 2 s: ${
                lat.filter((x) => x <= 2000).length
              }.`,
          );
        }
      } finally {
        clearInterval(sampler);
        out.rows.push({
          metric: `${backend.name}: server RSS idle → peak during the hooks (stack-server under tsx, emulator included)`,
          value: `${mb(idleRss)} → ${mb(peakRss)}`,
        });
        http.close();
        await target.close();
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      }
      const prof = profile.summary();
      if (prof) out.notes.push(`${backend.name}: ${prof}`);
    }
    out.notes.push(
      'The server runs in its own process (PGlite on a fresh data directory, or a fresh PostgreSQL database when TEST_DATABASE_URL is set), ' +
        'the load generator in this one; latency is measured by the client from request start to the last byte over ' +
        'keep-alive sockets (time queued for a socket included). Each body is one lead update of ~960 bytes. ' +
        'The hand-off to the queue (one pg-boss job per event on the same database) runs concurrently, as in production.',
    );
    if (!ctx.postgresUrl) out.notes.push('PostgreSQL variant skipped: TEST_DATABASE_URL is not set.');
  },
};

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
