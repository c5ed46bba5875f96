import { randomBytes } from 'node:crypto';
import { startMoySkladEmulator } from '../../tests/emulators/moysklad/src/index.js';
import { isMain, serveCommands, startTarget, type Target } from './lib/child.js';
import { createHttpClient, pool } from './lib/http.js';
import { type Bench, type BenchContext, latencySummary, percentile, type Row, sleep } from './lib/report.js';
import { runAlone } from './lib/run.js';
import { disposableTokenSigner } from './lib/tokens.js';
import type { StackInfo } from './targets/stack-server.js';

/**
 * `pnpm bench hostile`: what a stranger's traffic costs (issue 9). Part one: RSS and retained heap
 * of the backend before and after 50k random 8 KB hook keys and 20k random customer ids. Part two:
 * the guard's revert latency and a real card's latency while 64 connections read stock of deals
 * that do not exist (the amoCRM budget is 7 rps for the whole account).
 */
const MB = 1024 * 1024;
const ACCOUNT_ISS = (subdomain: string) => `https://${subdomain}.amocrm.ru`;

interface Memory {
  rss: number;
  heapUsed: number;
}

const bench: Bench = {
  name: 'hostile',
  title:
    'hostile traffic: memory after random hook keys and customer ids; guard and card latency under 64 connections reading missing deals',
  async run(ctx, out) {
    await memoryUnderHostileKeys(ctx, out);
    await latencyUnderMissingDeals(ctx, out);
  },
};

async function memoryUnderHostileKeys(ctx: BenchContext, out: { rows: Row[]; notes: string[] }) {
  const hookKeys = ctx.quick ? 10_000 : 50_000;
  const customerIds = ctx.quick ? 4_000 : 20_000;
  // This same file is the target (HOSTILE_TARGET=1): it can force a GC before reading the heap.
  const target = await startTarget<StackInfo>('scripts/bench/hostile.ts', {
    env: { HOSTILE_TARGET: '1', BENCH_STACK: JSON.stringify({ emulator: { autoDeliverWebhooks: false } }) },
    nodeArgs: ['--expose-gc'],
  });
  const http = createHttpClient(target.info.backend, 64);
  try {
    const memory = () => target.call<Memory>('memory');
    const sign = disposableTokenSigner(target.info.secret, {
      iss: ACCOUNT_ISS(target.info.subdomain),
      aud: target.info.backend,
      account_id: target.info.accountId,
    });
    const hook = (key: string) =>
      http.send(
        'POST',
        `/webhooks/amocrm/${key}`,
        { 'content-type': 'application/x-www-form-urlencoded' },
        `account[id]=${target.info.accountId}`,
      );
    const choose = (customerId: string) =>
      http.send(
        'POST',
        '/api/v1/contacts/2001/customer',
        { 'content-type': 'application/json', 'x-auth-token': sign() },
        JSON.stringify({ customerId }),
      );
    // Warm-up: code paths compiled, pools filled, so what follows measures what is kept.
    await pool(500, 32, () => hook(randomBytes(24).toString('base64url')));
    await pool(300, 32, () => choose(randomBytes(30).toString('base64url')));
    const before = await memory();
    ctx.log(`before: rss ${(before.rss / MB).toFixed(1)} MB, heap ${(before.heapUsed / MB).toFixed(1)} MB`);

    const started = performance.now();
    const hookStatuses = countStatuses(
      await pool(hookKeys, 64, (i) =>
        // One in ten is shaped like a real key (a database miss), the rest are 8 KB of noise.
        hook(
          i % 10 === 0 ? randomBytes(24).toString('base64url') : randomBytes(6 * 1024).toString('base64url'),
        ),
      ),
    );
    const hookSeconds = (performance.now() - started) / 1000;
    const afterHooks = await memory();
    ctx.log(
      `after ${hookKeys} hook keys: rss ${(afterHooks.rss / MB).toFixed(1)} MB, heap ${(afterHooks.heapUsed / MB).toFixed(1)} MB`,
    );

    const started2 = performance.now();
    const idStatuses = countStatuses(
      await pool(customerIds, 32, () => choose(randomBytes(70).toString('base64url'))),
    );
    const idSeconds = (performance.now() - started2) / 1000;
    const after = await memory();
    ctx.log(
      `after ${customerIds} customer ids: rss ${(after.rss / MB).toFixed(1)} MB, heap ${(after.heapUsed / MB).toFixed(1)} MB`,
    );

    const growth = (a: Memory, b: Memory) =>
      `RSS ${(a.rss / MB).toFixed(1)} → ${(b.rss / MB).toFixed(1)} MB (${signed((b.rss - a.rss) / MB)}) · heap ${(a.heapUsed / MB).toFixed(1)} → ${(b.heapUsed / MB).toFixed(1)} MB (${signed((b.heapUsed - a.heapUsed) / MB)})`;
    out.rows.push({
      metric: `${hookKeys} random hook keys (8 KB, 1 in 10 key-shaped), ${(hookKeys / hookSeconds).toFixed(0)} req/s`,
      value: `${growth(before, afterHooks)}; answers ${hookStatuses}`,
      budget: 'growth < 30 MB (issue 9)',
      ok: afterHooks.rss - before.rss < 30 * MB && afterHooks.heapUsed - before.heapUsed < 30 * MB,
    });
    out.rows.push({
      metric: `${customerIds} random customer ids chosen in a card, ${(customerIds / idSeconds).toFixed(0)} req/s`,
      value: `${growth(afterHooks, after)}; answers ${idStatuses}`,
      budget: 'growth < 30 MB (issue 9)',
      ok: after.rss - afterHooks.rss < 30 * MB && after.heapUsed - afterHooks.heapUsed < 30 * MB,
    });
    out.notes.push(
      'Memory: the backend (PGlite, built-in stock) in a process of its own started with --expose-gc; "heap" is heapUsed right ' +
        'after a forced full GC, "RSS" is the process resident set at the same moment. Hook keys are POSTed to ' +
        '/webhooks/amocrm/<key>; customer ids through POST /api/v1/contacts/2001/customer with a fresh disposable token each ' +
        "(every token's jti is recorded, as in production). 64 / 32 keep-alive connections.",
    );
  } finally {
    http.close();
    await target.close();
  }
}

async function latencyUnderMissingDeals(ctx: BenchContext, out: { rows: Row[]; notes: string[] }) {
  const LATENCY_MS = 50;
  const TOKEN = 'bench-hostile-moysklad';
  const moves = ctx.quick ? 6 : 12;
  const loadSeconds = ctx.quick ? 20 : 45;
  const erp = await startMoySkladEmulator({ token: TOKEN, latencyMs: LATENCY_MS });
  const target: Target<StackInfo> = await startTarget<StackInfo>('scripts/bench/targets/stack-server.ts', {
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
    const guardMoves = async (n: number) => {
      const samples: number[] = [];
      let missed = 0;
      for (let i = 0; i < n; i++) {
        const trail = await target.call<{ ms: number | null }>('uiMoveAndWait', {
          leadId: nextLead++,
          statusId: 80013,
          timeoutMs: 15_000,
        });
        if (trail.ms === null) missed++;
        else samples.push(trail.ms);
        await sleep(1000);
      }
      return { samples, missed };
    };
    const card = async () =>
      (await http.send('GET', '/api/v1/leads/1001/stock', { 'x-auth-token': sign() }, undefined, 60_000)).ms;

    // Quiet baseline: the guard alone, then a card alone.
    await guardMoves(1);
    const quiet = await guardMoves(moves);
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
    const loaded = await guardMoves(moves);
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
        'in a closed loop with a fresh token; the card is GET /api/v1/leads/1001/stock once a second meanwhile. This measures ' +
        'whatever protection the code has (issue 9.7 is another change).',
    );
  } finally {
    http.close();
    await target.close();
    await erp.close();
  }
}

function countStatuses(results: readonly { status: number }[]): string {
  const by: Record<string, number> = {};
  for (const r of results) by[r.status] = (by[r.status] ?? 0) + 1;
  return Object.entries(by)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
}

const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(1)} MB`;

/** Target mode: the stack, plus a command that reads memory after a full GC. */
async function serveTarget() {
  const { startStack, TEST_SECRET } = await import('../../tests/support/stack.js');
  const stack = await startStack(JSON.parse(process.env.BENCH_STACK ?? '{}'));
  const accountId = stack.emulator.state.account.id;
  const inst = await stack.server.services.installations.findActive(accountId);
  if (!inst) throw new Error('the installation was not created');
  const gc = (globalThis as { gc?: () => void }).gc;
  const info: StackInfo = {
    backend: stack.backend,
    database: stack.server.services.database.kind,
    emulatorUrl: stack.emulator.url,
    accountId,
    subdomain: inst.subdomain,
    hookKey: inst.hookKey,
    secret: TEST_SECRET,
  };
  serveCommands(
    info,
    {
      async memory() {
        for (let i = 0; i < 3; i++) {
          gc?.();
          await sleep(50);
        }
        const m = process.memoryUsage();
        return { rss: m.rss, heapUsed: m.heapUsed } satisfies Memory;
      },
    },
    () => stack.close(),
  );
}

export default bench;
if (process.env.HOSTILE_TARGET === '1') await serveTarget();
else if (isMain(import.meta.url)) await runAlone(bench);
