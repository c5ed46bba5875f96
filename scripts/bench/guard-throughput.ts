import { encodeAmoWebhookBody } from '@erp-bridge/emulator-amocrm';
import { isMain, startTarget, type Target } from './lib/child.js';
import { BEFORE, enableBenchGuard, GATED, PIPELINE, TAG } from './lib/guard-setup.js';
import { createHttpClient, pool, type Timed } from './lib/http.js';
import { type Bench, type BenchContext, sleep } from './lib/report.js';
import { runAlone } from './lib/run.js';
import type { StackInfo } from './targets/stack-server.js';

const FULL = 10_000;
const QUICK = 1_000;
const BACKLOG_FULL = 20_000;
const BACKLOG_QUICK = 2_000;
const FIRST_LEAD = 7_100_000;
const BACKLOG_FIRST = 7_400_000;
const CONNECTIONS = 16;
/** Anchor: amoCRM requests of the 10,000-event run before issue 10 (50 leads per read, no echo skip). */
const ANCHOR_REQUESTS = 1_464;
/** Give up waiting after this long and report the rate measured so far. */
const STOP_AFTER_MS = 12 * 60_000;
const SHORT: [number, number][] = [[500104, 200]]; // GLV-NIT-L, 100 free
const FINE: [number, number][] = [[500101, 2]]; // DRL-18V, in stock

interface Progress {
  decided: number;
  decisions: number;
  lastAt: number | null;
  firstAt: number | null;
  inbox: { total: number; pending: number };
}
interface Routes {
  byRoute: Record<string, number>;
  busiestSecond: number;
}

/** One status_lead hook per deal: moved from BEFORE into the gated stage. */
function body(info: StackInfo, id: number, now: number): string {
  return encodeAmoWebhookBody(
    [
      {
        entity: 'leads',
        action: 'status',
        record: {
          id,
          name: `Bench guard deal ${id}`,
          status_id: GATED,
          old_status_id: BEFORE,
          pipeline_id: PIPELINE,
          old_pipeline_id: PIPELINE,
          price: 1000,
          responsible_user_id: 6_000_001,
          last_modified: now,
          modified_user_id: 6_000_001,
          created_user_id: 6_000_001,
          date_create: now - 3600,
          account_id: info.accountId,
          created_at: now - 3600,
          updated_at: now,
        },
      },
    ],
    { id: info.accountId, subdomain: info.subdomain },
  );
}

/** Seeds `n` deals from `first` (every other one short) and posts one hook each, as fast as acknowledged. */
async function postWave(ctx: BenchContext, target: Target<StackInfo>, first: number, n: number) {
  await target.call('seedLeads', { first, n, statusId: GATED, shortEvery: 2, short: SHORT, fine: FINE });
  const http = createHttpClient(target.info.backend, CONNECTIONS);
  try {
    const now = Math.floor(Date.now() / 1000);
    const path = `/webhooks/amocrm/${target.info.hookKey}`;
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    ctx.log(
      `${n} deals seeded in ${PIPELINE}/${GATED} (every other one short); sending ${n} status_lead hooks`,
    );
    const firstSend = Date.now();
    const started = performance.now();
    const results = await pool(n, CONNECTIONS, (i) =>
      http
        .send('POST', path, headers, body(target.info, first + i, now), 60_000)
        .catch((err: Error): Timed => ({ status: 0, ms: Number.NaN, body: err.message })),
    );
    const sentSeconds = (performance.now() - started) / 1000;
    const acked = results.filter((r) => r.status === 204).length;
    ctx.log(`${acked}/${n} hooks acknowledged in ${sentSeconds.toFixed(1)} s`);
    return { firstSend, sentSeconds, acked };
  } finally {
    http.close();
  }
}

/** Waits until every deal in [first, first + n) has a decision and the inbox is empty. */
async function awaitDecided(
  ctx: BenchContext,
  target: Target<StackInfo>,
  first: number,
  n: number,
  since: number,
) {
  const last = first + n - 1;
  let progress = await target.call<Progress>('guardProgress', { from: first, to: last });
  let lastLog = 0;
  let stoppedEarly = false;
  for (;;) {
    progress = await target.call<Progress>('guardProgress', { from: first, to: last });
    if (progress.decided >= n && progress.inbox.pending === 0) break;
    const elapsed = Date.now() - since;
    if (elapsed > STOP_AFTER_MS) {
      stoppedEarly = true;
      break;
    }
    if (elapsed - lastLog >= 10_000) {
      lastLog = elapsed;
      ctx.log(
        `+${(elapsed / 1000).toFixed(0)} s: ${progress.decided}/${n} deals decided, inbox pending ${progress.inbox.pending}`,
      );
    }
    await sleep(500);
  }
  return { progress, stoppedEarly };
}

/** The hooks our own writes caused: let them be processed before counting writes. */
async function settle(target: Target<StackInfo>, first: number, n: number) {
  for (let i = 0; i < 30; i++) {
    const p = await target.call<Progress>('guardProgress', { from: first, to: first + n - 1 });
    if (p.inbox.pending === 0 && i >= 3) break;
    await sleep(1000);
  }
}

const reads = (routes: Routes) =>
  Object.entries(routes.byRoute)
    .filter(([k]) => k.startsWith('GET /api/v4/leads '))
    .reduce((a, [, v]) => a + v, 0);

const bench: Bench = {
  name: 'guard-throughput',
  title:
    'stock guard: 10,000 deal events (half short) with the amoCRM emulator enforcing 7 rps → time to the last decision, amoCRM requests, 429s, exactly-once writes; then a 20,000-event backlog drain rate',
  async run(ctx, out) {
    const n = ctx.quick ? QUICK : FULL;
    const backlog = ctx.quick ? BACKLOG_QUICK : BACKLOG_FULL;
    const last = FIRST_LEAD + n - 1;
    const target = await startTarget<StackInfo>('scripts/bench/targets/stack-server.ts', {
      env: {
        BENCH_STACK: JSON.stringify({ emulator: { rateLimitPerSecond: 7, autoDeliverWebhooks: true } }),
      },
    });
    try {
      await enableBenchGuard(target);
      await sleep(1500); // start-up calls out of the rate window

      // Phase 1: 10,000 events, every deal decided.
      const wave = await postWave(ctx, target, FIRST_LEAD, n);
      const { progress, stoppedEarly } = await awaitDecided(ctx, target, FIRST_LEAD, n, wave.firstSend);
      const doneAt = progress.lastAt ?? Date.now();
      const seconds = (doneAt - wave.firstSend) / 1000;
      ctx.log(`${progress.decided}/${n} decided, last decision +${seconds.toFixed(1)} s`);
      await settle(target, FIRST_LEAD, n);
      const stats = await target.call<{ echoesSkipped: number; recovered: number }>('guardStats');
      const stored = await target.call<{ events: number }>('inbox', { from: FIRST_LEAD, to: last });
      const calls = await target.call<{ total: number; byStatus: Record<string, number> }>('emulatorCalls', {
        since: wave.firstSend,
      });
      const routes = await target.call<Routes>('emulatorCallsByRoute', { since: wave.firstSend });
      const outcome = await target.call<{
        verdicts: Record<string, number>;
        blocked: number;
        blockedMovedBack: number;
        blockedTagged: number;
        blockedOneNote: number;
        blockedOneTask: number;
        okUntouched: number;
        notes: number;
        tasks: number;
        extraWrites: number;
      }>('guardOutcome', { from: FIRST_LEAD, to: last, tag: TAG, gatedStatusId: GATED });

      // Phase 2: a backlog of 20,000 events, drained at 7 rps.
      const drainStart = Date.now();
      const backlogWave = await postWave(ctx, target, BACKLOG_FIRST, backlog);
      const drained = await awaitDecided(ctx, target, BACKLOG_FIRST, backlog, backlogWave.firstSend);
      const drainSeconds = ((drained.progress.lastAt ?? Date.now()) - backlogWave.firstSend) / 1000;
      const drainRate = drained.progress.decided / Math.max(0.001, drainSeconds);
      const drainCalls = await target.call<{ total: number; byStatus: Record<string, number> }>(
        'emulatorCalls',
        {
          since: drainStart,
        },
      );

      const shortDeals = Math.ceil(n / 2);
      const rate = progress.decided / Math.max(0.001, seconds);
      const at10k = FULL / rate / 60;
      out.rows.push({
        metric: `${n} deal events: first hook → last decision`,
        value: `${seconds.toFixed(1)} s (${rate.toFixed(1)} deals/s${stoppedEarly ? `, STOPPED EARLY at ${progress.decided}/${n}` : ''}); extrapolated to 10,000: ${at10k.toFixed(1)} min`,
        budget: '10,000 ≤ 5 min (issue 10)',
        ok: !stoppedEarly && at10k <= 5,
      });
      const tooMany = calls.byStatus['429'] ?? 0;
      const perTenK = (calls.total * FULL) / n;
      out.rows.push({
        metric: 'amoCRM requests / 429s / busiest second',
        value: `${calls.total} / ${tooMany} / ${routes.busiestSecond} req${ctx.quick ? ` (≈ ${Math.round(perTenK)} per 10,000)` : ''}; ${Math.round((1 - perTenK / ANCHOR_REQUESTS) * 100)} % fewer than ${ANCHOR_REQUESTS.toLocaleString('en-US')}`,
        budget: `0 × 429; ≤ ${Math.floor(ANCHOR_REQUESTS * 0.7)} per 10,000 (≥ 30 % fewer)`,
        ok: tooMany === 0 && perTenK <= ANCHOR_REQUESTS * 0.7,
      });
      out.rows.push({
        metric: 'lead reads (GET /leads) / own echoes decided without a read',
        value: `${reads(routes)} requests / ${stats.echoesSkipped} events`,
      });
      const lost = n - progress.decided;
      out.rows.push({
        metric: 'hooks acknowledged / stored / deals decided / lost',
        value: `${wave.acked} / ${stored.events} events / ${progress.decided} / ${lost}`,
        budget: '0 lost',
        ok: lost === 0 && wave.acked === n,
      });
      out.rows.push({
        metric: `short deals (${shortDeals}): blocked / moved back / tagged / exactly one note / exactly one task`,
        value: `${outcome.blocked} / ${outcome.blockedMovedBack} / ${outcome.blockedTagged} / ${outcome.blockedOneNote} / ${outcome.blockedOneTask}`,
        budget: 'all, exactly once',
        ok:
          outcome.blocked === shortDeals &&
          outcome.blockedMovedBack === shortDeals &&
          outcome.blockedTagged === shortDeals &&
          outcome.blockedOneNote === shortDeals &&
          outcome.blockedOneTask === shortDeals &&
          outcome.extraWrites === 0,
      });
      out.rows.push({
        metric: 'notes / tasks written in total; deals with extra writes; in-stock deals left alone',
        value: `${outcome.notes} / ${outcome.tasks}; ${outcome.extraWrites}; ${outcome.okUntouched} of ${n - shortDeals}`,
      });
      out.rows.push({
        metric: `backlog of ${backlog.toLocaleString('en-US')} events: drain rate`,
        value: `${drainRate.toFixed(1)} events/s (${drainSeconds.toFixed(1)} s, ${drained.progress.decided}/${backlog} decided${drained.stoppedEarly ? ', STOPPED EARLY' : ''}; ${drainCalls.total} amoCRM requests, ${drainCalls.byStatus['429'] ?? 0} × 429)`,
        budget: '≥ 100 events/s (the rate before issue 10)',
        ok: !drained.stoppedEarly && drainRate >= 100 && (drainCalls.byStatus['429'] ?? 0) === 0,
      });
      out.notes.push(
        `${n} deals seeded straight into the amoCRM emulator's state in ${PIPELINE}/${GATED} (odd ones GLV-NIT-L x200 with 100 free, ` +
          'even ones DRL-18V x2 in stock), then one status_lead hook per deal (old_status_id ' +
          `${BEFORE}) posted by this process over ${CONNECTIONS} keep-alive connections as fast as the server acknowledged ` +
          `(${n} hooks in ${wave.sentSeconds.toFixed(1)} s). Guard: move_back, tag, task; ERP local (demo CSV). amoCRM emulator: ` +
          '7 rps sliding window, no latency, hooks for our own writes auto-delivered back to the server. Done = every deal has a ' +
          'stored decision and the inbox has nothing pending; the time is first hook → last guard_decisions.at. ' +
          `Anchor ${ANCHOR_REQUESTS} requests: the same run before issue 10 (events handled 50 per batch, every echo read).`,
      );
      out.notes.push(
        `Own echoes: hooks our own PATCHes cause carry modified_user_id = GET /account current_user_id and a version at or ` +
          `before our settled write; ${stats.echoesSkipped} such events were decided without reading the lead (the notes still ` +
          'mark transitions only, so amoCRM sending modified_user_id 0 costs a read, never a second write).',
      );
      out.notes.push(
        `Backlog: ${backlog} more deals (same mix) hooked at once (${backlogWave.sentSeconds.toFixed(1)} s to acknowledge); ` +
          'drain rate = events decided / (first hook → last decision), 250 events per job batch and per lead read.',
      );
      out.notes.push(
        `Verdicts (latest per deal): ${JSON.stringify(outcome.verdicts)}. amoCRM calls by route: ${Object.entries(
          routes.byRoute,
        )
          .map(([k, v]) => `${v}× ${k}`)
          .join(', ')}. Decisions stored in total: ${progress.decisions}.`,
      );
    } finally {
      await target.close();
    }
  },
};

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
