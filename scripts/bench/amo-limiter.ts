import { randomBytes } from 'node:crypto';
import { loadConfig, type RunningServer, startServer } from '@erp-bridge/server';
import { TEST_SECRET } from '../../tests/support/stack.js';
import { isMain, startTarget } from './lib/child.js';
import { type Bench, type BenchContext, maxInWindow, sleep } from './lib/report.js';
import { runAlone } from './lib/run.js';
import type { AmoEmulatorInfo } from './targets/amo-emulator.js';

const CALLERS = 50;

interface Call {
  path: string;
  status: number;
  at: number;
}

/** The real server(s) in this process against the emulator in its own; `instances` share one database. */
async function measure(
  ctx: BenchContext,
  total: number,
  opts: { label: string; instances: number; databaseUrl?: string },
) {
  const token = randomBytes(16).toString('hex');
  const emu = await startTarget<AmoEmulatorInfo>('scripts/bench/targets/amo-emulator.ts', {
    env: { AMO_TOKEN: token, AMO_EMU_RPS: '7', AMO_EMU_SECRET: TEST_SECRET },
  });
  const servers: RunningServer[] = [];
  try {
    for (let i = 0; i < opts.instances; i++) {
      const config = loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        PUBLIC_URL: 'http://127.0.0.1:8787',
        DATA_DIR: 'memory://',
        AMO_CLIENT_SECRET: TEST_SECRET,
        AMO_API_BASE: emu.info.url,
        AMO_LONG_LIVED_TOKEN: token,
        AMO_SUBDOMAIN: emu.info.subdomain,
        LOG_LEVEL: 'silent',
        ...(opts.databaseUrl && { DATABASE_URL: opts.databaseUrl }),
      });
      servers.push(await startServer(config));
    }
    const clients = await Promise.all(
      servers.map(async (s) => {
        const inst = await s.services.installations.findActive(emu.info.accountId);
        if (!inst) throw new Error('no installation');
        return s.services.access.clientFor(inst);
      }),
    );
    await sleep(1100); // start-up calls leave the window
    const from = await emu.call<number>('count');
    ctx.log(`${opts.label}: ${total} × account() over ${CALLERS} callers (~${Math.round(total / 6.6)} s)`);
    const started = performance.now();
    let next = 0;
    const errors: string[] = [];
    const progress = setInterval(() => ctx.log(`${next}/${total} issued`), 30_000);
    await Promise.all(
      Array.from({ length: CALLERS }, async (_, caller) => {
        const client = clients[caller % clients.length];
        while (next < total) {
          next++;
          try {
            await client?.account();
          } catch (err) {
            errors.push((err as Error).message);
          }
        }
      }),
    );
    clearInterval(progress);
    const elapsed = (performance.now() - started) / 1000;
    const calls = (await emu.call<Call[]>('calls', { from })).filter((c) => c.path.startsWith('/api/v4'));
    return { elapsed, calls, errors };
  } finally {
    for (const s of servers) await s.close();
    await emu.close();
  }
}

const bench: Bench = {
  name: 'amo-limiter',
  title: `amoCRM requests from ${CALLERS} concurrent callers through one installation's client, emulator enforcing 7 rps`,
  async run(ctx, out) {
    const total = ctx.quick ? 200 : 1000;
    const variants: { label: string; instances: number; databaseUrl?: string; drop?: () => Promise<void> }[] =
      [{ label: '1 instance, PGlite (in-memory schedule)', instances: 1 }];
    if (ctx.postgresUrl) {
      const { createPostgresDatabase } = await import('../../server/src/db/test-databases.js');
      const db = await createPostgresDatabase(ctx.postgresUrl);
      variants.push({
        label: '2 instances, one PostgreSQL (shared schedule row)',
        instances: 2,
        databaseUrl: db.connectionString,
        drop: () => db.close(),
      });
    }
    for (const v of variants) {
      try {
        const { elapsed, calls, errors } = await measure(ctx, total, v);
        const ours = calls.filter((c) => c.path === '/api/v4/account');
        const tooMany = calls.filter((c) => c.status === 429).length;
        const window = maxInWindow(calls.map((c) => c.at));
        const span = ((ours.at(-1)?.at ?? 0) - (ours[0]?.at ?? 0)) / 1000;
        const arrivals = calls.map((c) => c.at).sort((a, b) => a - b);
        const gaps = arrivals.slice(1).map((t, i) => t - (arrivals[i] as number));
        const tight = gaps.filter((g) => g < 100).length;
        const medianGap = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] ?? 0;
        out.rows.push({
          metric: `${v.label}: achieved rate (${total} requests / elapsed)`,
          value: `${(total / elapsed).toFixed(2)} req/s (${elapsed.toFixed(1)} s)`,
          budget: '≤ 7 req/s',
          ok: total / elapsed <= 7,
        });
        out.rows.push({
          metric: `${v.label}: max requests in any 1-s window at the emulator`,
          value: String(window),
          budget: '≤ 7',
          ok: window <= 7,
        });
        out.rows.push({
          metric: `${v.label}: 429s at the emulator / failed calls`,
          value: `${tooMany} / ${errors.length}`,
          budget: '0 / 0',
          ok: tooMany === 0 && errors.length === 0,
        });
        out.notes.push(
          `${v.label}: ${ours.length} account() requests reached the emulator (${calls.length - ours.length} other API calls in the same interval, retries of 429s included), ` +
            `first to last ${span.toFixed(1)} s apart; gaps between consecutive arrivals: min ${Math.min(...gaps)} ms, ` +
            `median ${medianGap} ms, ${tight} under 100 ms.` +
            (errors.length ? ` Errors: ${[...new Set(errors)].slice(0, 3).join('; ')}.` : ''),
        );
      } finally {
        await v.drop?.();
      }
    }
    out.notes.push(
      'The emulator runs in its own process, so its clock and sliding window are not disturbed by the client; ' +
        'the window is computed from arrival times in its call log. Pacing is server/src/amocrm/rate-limit.ts as committed.',
    );
    if (!ctx.postgresUrl) out.notes.push('PostgreSQL variant skipped: TEST_DATABASE_URL is not set.');
    if (ctx.quick) out.notes.push(`BENCH_QUICK=1: ${total} requests instead of 1,000.`);
  },
};

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
