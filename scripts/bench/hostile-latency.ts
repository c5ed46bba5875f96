import { startMoySkladEmulator } from '../../tests/emulators/moysklad/src/index.js';
import { ACCOUNT_ISS, countStatuses } from './hostile-memory.js';
import { startTarget, type Target } from './lib/child.js';
import { createHttpClient } from './lib/http.js';
import { maybeProfile } from './lib/profiled.js';
import { type BenchContext, latencySummary, percentile, type Row, sleep } from './lib/report.js';
import { disposableTokenSigner } from './lib/tokens.js';
import type { StackInfo } from './targets/stack-server.js';

/**
 * Part two of `pnpm bench hostile`: the guard's revert latency and a real card's latency while 64
 * connections read stock of deals that do not exist (the amoCRM budget is 7 rps for the whole
 * account), side by side with the same guard moves on a quiet backend.
 */
interface Trail {
  t0: number;
  ms: number | null;
  deliveries: { at: number }[];
  calls: { method: string; path: string; at: number }[];
}

export async function latencyUnderMissingDeals(ctx: BenchContext, out: { rows: Row[]; notes: string[] }) {
  const LATENCY_MS = 50;
  const TOKEN = 'bench-hostile-moysklad';
  const moves = ctx.quick ? 6 : 12;
  const loadSeconds = ctx.quick ? 20 : 45;
  const erp = await startMoySkladEmulator({ token: TOKEN, latencyMs: LATENCY_MS });
  const profile = maybeProfile();
  const target: Target<StackInfo> = await startTarget<StackInfo>('scripts/bench/targets/stack-server.ts', {
    nodeArgs: profile.nodeArgs,
    env: {
      BENCH_STACK: JSON.stringify({
        emulator: { latencyMs: LATENCY_MS, rateLimitPerSecond: 7, autoDeliverWebhooks: true },
        env: { ERP_KIND: 'moysklad', MOYSKLAD_TOKEN: TOKEN, MOYSKLAD_API_BASE: erp.url },
      }),
    },
  });
  const http = createHttpClient(target.info.backend, 80);
  const sign = disposableTokenSigner(target.info.secret, {
    iss: ACCOUNT_ISS(target.info.subdomain),
    aud: target.info.backend,
    account_id: target.info.accountId,
  });
  try {
    const FIRST = 7_100_001;
    await target.call('seedLeads', {
      first: FIRST,
      n: 2 * moves + 2,
      statusId: 80012,
      short: [
        [500104, 200],
        [500105, 10],
      ],
    });
    await target.call('guardEnable', {
      guard: {
        enabled: true,
        gatedStages: [{ pipelineId: 8001, statusId: 80013 }],
        action: { type: 'move_back' },
        tag: 'Нет в наличии',
      },
    });
    await sleep(1000);
    let nextLead = FIRST;
    const guardMoves = async (n: number, label: string) => {
      const samples: number[] = [];
      const parts = { hook: [] as number[], read: [] as number[], patch: [] as number[] };
      let missed = 0;
      for (let i = 0; i < n; i++) {
        const trail = await target.call<Trail>('uiMoveAndWait', {
          leadId: nextLead++,
          statusId: 80013,
          timeoutMs: 15_000,
        });
        if (trail.ms === null) missed++;
        else samples.push(trail.ms);
        // Where the time went: the hook's POST, the guard's lead read and its reverting PATCH reaching amoCRM.
        const at = (c: Trail['calls'][number] | undefined) => (c ? c.at - trail.t0 : Number.NaN);
        const hook = trail.deliveries[0] ? trail.deliveries[0].at - trail.t0 : Number.NaN;
        const read = at(trail.calls.find((c) => c.method === 'GET' && c.path === '/api/v4/leads'));
        const patch = at(trail.calls.find((c) => c.method === 'PATCH' && c.path.startsWith('/api/v4/leads')));
        parts.hook.push(hook);
        parts.read.push(read);
        parts.patch.push(patch);
        ctx.log(
          `${label}: reverted ${trail.ms?.toFixed(0) ?? 'never'} ms (hook +${hook} · read +${read} · PATCH +${patch})`,
        );
        await sleep(1000);
      }
      return { samples, missed, parts };
    };
    const card = async () =>
      (await http.send('GET', '/api/v1/leads/1001/stock', { 'x-auth-token': sign() }, undefined, 60_000)).ms;

    // Quiet baseline: the guard alone, then a card alone.
    await guardMoves(1, 'warm-up');
    const quiet = await guardMoves(moves, 'quiet');
    const quietCard: number[] = [];
    for (let i = 0; i < 5; i++) {
      quietCard.push(await card());
      await sleep(300);
    }
    ctx.log(
      `quiet: guard p95 ${percentile(quiet.samples, 95).toFixed(0)} ms, card p50 ${percentile(quietCard, 50).toFixed(0)} ms`,
    );

    // Hostile: 64 connections reading stock of deals that do not exist, for loadSeconds.
    const since = Date.now();
    let stop = false;
    const hammer: { status: number; ms: number }[] = [];
    let missingId = 90_000_000;
    const hammering = Promise.all(
      Array.from({ length: 64 }, async () => {
        while (!stop) {
          const r = await http
            .send('GET', `/api/v1/leads/${missingId++}/stock`, { 'x-auth-token': sign() }, undefined, 120_000)
            .catch(() => ({ status: 0, ms: Number.NaN }));
          hammer.push({ status: r.status, ms: r.ms });
        }
      }),
    );
    await sleep(2000);
    const cardUnderLoad: number[] = [];
    const cards = (async () => {
      const until = Date.now() + (loadSeconds - 4) * 1000;
      while (Date.now() < until) {
        cardUnderLoad.push(await card().catch(() => Number.POSITIVE_INFINITY));
        await sleep(1000);
      }
    })();
    const loaded = await guardMoves(moves, 'hammered');
    await cards;
    stop = true;
    await hammering;
    const amo = await target.call<{ total: number; byStatus: Record<string, number> }>('emulatorCalls', {
      since,
    });
    const seconds = (Date.now() - since) / 1000;

    const qp95 = percentile(quiet.samples, 95);
    const lp95 = percentile(loaded.samples, 95);
    out.rows.push({
      metric: `guard revert, quiet (${quiet.samples.length} moves)`,
      value: latencySummary(quiet.samples),
    });
    out.rows.push({
      metric: `guard revert while 64 connections read missing deals (${loaded.samples.length} moves, ${loaded.missed} not reverted in 15 s)`,
      value: latencySummary(loaded.samples),
      budget: 'p95 within 2× the quiet p95 (issue 9)',
      ok: loaded.missed === 0 && lp95 <= 2 * qp95,
    });
    const breakdown = (p: typeof quiet.parts) => {
      const mp = (xs: number[]) => {
        const ok = xs.filter(Number.isFinite);
        return `${percentile(ok, 50).toFixed(0)} / ${percentile(ok, 95).toFixed(0)}`;
      };
      return `hook +${mp(p.hook)} · lead read +${mp(p.read)} · PATCH +${mp(p.patch)}`;
    };
    out.rows.push({
      metric: 'guard breakdown from the move, ms (median / p95): quiet | hammered',
      value: `${breakdown(quiet.parts)} | ${breakdown(loaded.parts)}`,
    });
    const worstCard = Math.max(...cardUnderLoad);
    out.rows.push({
      metric: `real card (deal 1001 stock) quiet / under that load (${cardUnderLoad.length} samples)`,
      value: `${latencySummary(quietCard)} / ${latencySummary(cardUnderLoad)}`,
      budget: 'under load < 2 s (issue 9)',
      ok: Number.isFinite(worstCard) && percentile(cardUnderLoad, 95) < 2000,
    });
    out.rows.push({
      metric: `missing-deal reads (${hammer.length} in ${seconds.toFixed(0)} s) and amoCRM calls meanwhile`,
      value: `answers ${countStatuses(hammer)}; latency ${latencySummary(hammer.filter((h) => Number.isFinite(h.ms)).map((h) => h.ms))}; amoCRM ${amo.total} calls (${(amo.total / seconds).toFixed(1)}/s) ${JSON.stringify(amo.byStatus)}`,
    });
    out.notes.push(
      `Latency: backend + amoCRM emulator in one process (stack-server target), amoCRM at ${LATENCY_MS} ms and 7 rps, MoySklad ` +
        `emulator at ${LATENCY_MS} ms. Guard sample = UI move of a short deal into the gated stage until the revert lands ` +
        '(as guard-latency), 1 s apart. The hostile load: 64 keep-alive connections, each GET /api/v1/leads/<new missing id>/stock ' +
        'in a closed loop with a fresh token; the card is GET /api/v1/leads/1001/stock once a second meanwhile. Card reads ' +
        "use at most 5 of amoCRM's 7 requests in any window (all instances together) and leave the rest to the guard; one that cannot get a slot " +
        'within 14 s is answered 429 request.rate_limited with Retry-After. The breakdown row times the hook POST, the ' +
        "guard's lead read and its reverting PATCH as the amoCRM emulator logs them, from the move.",
    );
  } finally {
    http.close();
    await target.close();
    await erp.close();
    const cpu = profile.summary();
    if (cpu) out.notes.push(cpu);
  }
}
