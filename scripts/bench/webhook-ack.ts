import { encodeAmoWebhookBody } from '@erp-bridge/emulator-amocrm';
import { type AckTarget, startCompiledTarget, startStackTarget } from './lib/ack-targets.js';
import { cpuMsOf, isMain } from './lib/child.js';
import { createHttpClient, paced, pool, type Timed } from './lib/http.js';
import { maybeProfile } from './lib/profiled.js';
import { type Bench, latencySummary, percentile, type Row, sleep } from './lib/report.js';
import { runAlone } from './lib/run.js';

const HOOKS = 2000;
const mb = (b: number | undefined) => (b === undefined ? 'n/a' : `${(b / 1024 / 1024).toFixed(0)} MB`);
const RATE = 500;
const CONNECTIONS = 64;

/** amoCRM webhook bodies (form-encoded, one lead update each), for lead ids from `firstId`. */
function bodies(t: Pick<AckTarget, 'accountId' | 'subdomain'>, firstId: number, n: number): string[] {
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
            account_id: t.accountId,
            created_at: now - 3600,
            updated_at: now,
            tags: [{ id: 90_001, name: 'опт' }],
          },
        },
      ],
      { id: t.accountId, subdomain: t.subdomain },
    ),
  );
}

interface Mode {
  /** Row label prefix; the issue-14 summary picks the rows up by their suffixes. */
  label: string;
  backend: 'pglite' | 'postgres';
  start(nodeArgs: string[]): Promise<AckTarget>;
  /** The production shape carries the budget; the all-in-one row is for comparison. */
  budgetMs?: number;
}

/**
 * Modes, production first: on PostgreSQL a compiled ROLE=web instance with a ROLE=worker beside
 * it (emulator in this process), on PGlite one compiled ROLE=all process; then the all-in-one
 * stack-server under tsx (backend, jobs and amoCRM emulator in one process) as before.
 * BENCH_ACK_BASELINE=<other build's start.js> adds that build's compiled modes right before ours
 * (A/B of two builds in one run, same machine state): e.g. `git archive <commit> | tar -x -C
 * /tmp/base`, node_modules folders symlinked from this checkout, `pnpm build` there.
 * BENCH_ACK_ONLY=<text> runs only the modes whose label holds it.
 */
function modes(postgresUrl: string | undefined): Mode[] {
  const baseline = process.env.BENCH_ACK_BASELINE;
  const compiled = (backend: 'pglite' | 'postgres', name: string, budgetMs: number): Mode[] => [
    ...(baseline
      ? [
          {
            label: `${name} [baseline build]`,
            backend,
            start: (nodeArgs: string[]) =>
              startCompiledTarget(backend, postgresUrl, { entry: baseline, nodeArgs }),
          },
        ]
      : []),
    {
      label: name,
      backend,
      budgetMs,
      start: (nodeArgs) => startCompiledTarget(backend, postgresUrl, { nodeArgs }),
    },
  ];
  const stack = (backend: 'pglite' | 'postgres', name: string): Mode => ({
    label: name,
    backend,
    start: (nodeArgs) => startStackTarget(backend, postgresUrl, nodeArgs),
  });
  const only = process.env.BENCH_ACK_ONLY;
  return [
    ...(postgresUrl
      ? [
          ...compiled('postgres', 'PostgreSQL, ROLE=web + ROLE=worker (compiled)', 20),
          stack('postgres', 'PostgreSQL, all in one (stack-server under tsx)'),
        ]
      : []),
    ...compiled('pglite', 'PGlite, ROLE=all (compiled)', 50),
    stack('pglite', 'PGlite, all in one (stack-server under tsx)'),
  ].filter((m) => !only || m.label.includes(only));
}

const bench: Bench = {
  name: 'webhook-ack',
  title: `${HOOKS} amoCRM webhooks at ${RATE}/s and all at once over ${CONNECTIONS} connections → 204 latency, all stored, drained`,
  async run(ctx, out) {
    for (const mode of modes(ctx.postgresUrl)) {
      const profile = maybeProfile();
      ctx.log(`${mode.label}: starting`);
      const target = await mode.start(profile.nodeArgs);
      const idleRss = target.rss();
      let peakRss = idleRss ?? 0;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, target.rss() ?? 0);
      }, 200);
      const http = createHttpClient(target.backend, CONNECTIONS);
      try {
        const headers = { 'content-type': 'application/x-www-form-urlencoded' };
        // amoCRM gives up after ~2 s; we wait up to 60 s so slow answers are measured, not lost.
        const post = (body: string): Promise<Timed> =>
          http
            .send('POST', target.hookPath, headers, body, 60_000)
            .catch((err: Error) => ({ status: 0, ms: Number.NaN, body: err.message }));

        // Warm-up (JIT, sockets, first inserts), then let the queue drain; not counted.
        const warm = bodies(target, 8_000_000, 100);
        await pool(warm.length, 8, (i) => post(warm[i] as string));
        await drained(target, 8_000_000, 8_000_099, 60_000);

        for (const phase of [
          { key: 'paced', label: `${mode.label}, paced ${RATE}/s`, firstId: 9_000_000 },
          { key: 'burst', label: `${mode.label}, all at once over ${CONNECTIONS} conns`, firstId: 9_100_000 },
        ] as const) {
          const list = bodies(target, phase.firstId, HOOKS);
          const range = [phase.firstId, phase.firstId + HOOKS - 1] as const;
          const before = await target.inbox(...range);
          ctx.log(`${phase.label}: ${HOOKS} hooks`);
          const cpu0 = { web: cpuMsOf(target.pids.web), worker: cpuMsOf(target.pids.worker) };
          const started = performance.now();
          let results: Timed[];
          let sentIn = 0;
          let sendLag = 0;
          if (phase.key === 'paced') {
            const run = await paced(HOOKS, RATE, (i) => post(list[i] as string));
            ({ results } = run);
            sentIn = run.sentInSeconds;
            sendLag = run.worstLagMs;
          } else {
            results = await pool(HOOKS, CONNECTIONS, (i) => post(list[i] as string));
          }
          const answeredMs = performance.now() - started;
          const cpu1 = { web: cpuMsOf(target.pids.web), worker: cpuMsOf(target.pids.worker) };
          const after = await drained(target, ...range, 180_000);
          const drainMs = performance.now() - started;
          const cpu2 = { web: cpuMsOf(target.pids.web), worker: cpuMsOf(target.pids.worker) };
          const acked = results.filter((r) => r.status === 204);
          const lat = acked.map((r) => r.ms);
          const other = results.length - acked.length;
          // The compiled modes count the whole inbox: the hooks of this phase are its growth.
          const stored = after.events - before.events;
          const p99 = percentile(lat, 99);
          const row: Row = { metric: `${phase.label}: ack latency (204)`, value: latencySummary(lat) };
          if (phase.key === 'paced' && mode.budgetMs !== undefined) {
            row.budget = `p99 ≤ ${mode.budgetMs} ms`;
            row.ok = p99 <= mode.budgetMs;
          }
          out.rows.push(row);
          out.rows.push({
            metric: `${phase.label}: 204s / stored in inbox / lost`,
            value: `${acked.length} / ${stored} / ${HOOKS - stored}`,
            budget: '0 lost',
            ok: stored === HOOKS && other === 0,
          });
          const per = (a: number | undefined, b: number | undefined) =>
            a === undefined || b === undefined ? 'n/a' : `${((b - a) / HOOKS).toFixed(2)} ms`;
          out.rows.push({
            metric: `${phase.label}: drain (all ${HOOKS} processed) · CPU per hook`,
            value:
              `drained ${(drainMs / 1000).toFixed(2)} s after the first hook (${((drainMs - answeredMs) / 1000).toFixed(2)} s after the last 204); ` +
              `CPU/hook answering: ${per(cpu0.web, cpu1.web)} web` +
              (target.pids.worker !== undefined ? `, ${per(cpu0.worker, cpu1.worker)} worker` : '') +
              `; until drained: ${per(cpu0.web, cpu2.web)} web` +
              (target.pids.worker !== undefined ? `, ${per(cpu0.worker, cpu2.worker)} worker` : ''),
          });
          out.notes.push(
            `${phase.label}: ${
              phase.key === 'paced'
                ? `sent in ${sentIn.toFixed(2)} s (worst lag behind schedule ${sendLag.toFixed(1)} ms), last answer after ${(answeredMs / 1000).toFixed(2)} s`
                : `${(answeredMs / 1000).toFixed(2)} s`
            } → ${(HOOKS / (answeredMs / 1000)).toFixed(0)} acks/s; non-204 answers: ${other}` +
              ` (no answer within 60 s: ${results.filter((r) => r.status === 0).length}); answered within amoCRM's 2 s: ${
                lat.filter((x) => x <= 2000).length
              }.`,
          );
        }
      } finally {
        clearInterval(sampler);
        out.rows.push({
          metric: `${mode.label}: server RSS idle → peak during the hooks (the answering process)`,
          value: `${mb(idleRss)} → ${mb(peakRss)}`,
        });
        http.close();
        await target.close();
      }
      const prof = profile.summary();
      if (prof) out.notes.push(`${mode.label}: ${prof}`);
    }
    out.notes.push(
      'Compiled modes: `node server/dist/start.js` as production runs it; on PostgreSQL a ROLE=web instance answers ' +
        'and a ROLE=worker instance beside it runs the queue (the event jobs), on PGlite one ROLE=all process; the amoCRM ' +
        'emulator runs in the benchmark process. All-in-one modes: tests/support/stack.ts under tsx, backend, jobs and ' +
        'emulator in one process (PGlite on a fresh data directory, or a fresh PostgreSQL database). Latency is measured ' +
        'by the client from request start to the last byte over keep-alive sockets (time queued for a socket included). ' +
        'Each body is one lead update of ~960 bytes. Each phase starts once the previous one drained (every event ' +
        'processed by the event job); "drain" is the time until every hook of the phase is processed. CPU per hook is ' +
        'user + system time from /proc of each server process over the phase, divided by the hooks (10 ms ticks).',
    );
    if (!ctx.postgresUrl) out.notes.push('PostgreSQL modes skipped: TEST_DATABASE_URL is not set.');
  },
};

/** Waits until no event of [from, to] (the whole inbox, for the compiled modes) is unprocessed. */
async function drained(target: AckTarget, from: number, to: number, ms: number) {
  const until = performance.now() + ms;
  for (;;) {
    const counts = await target.inbox(from, to);
    if (counts.pending === 0) return counts;
    if (performance.now() > until)
      throw new Error(`inbox not drained within ${ms / 1000} s (${counts.pending} pending)`);
    await sleep(50);
  }
}

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
