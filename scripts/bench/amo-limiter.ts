import { startStack } from '../../tests/support/stack.js';
import { isMain } from './lib/child.js';
import { type Bench, maxInWindow } from './lib/report.js';
import { runAlone } from './lib/run.js';

const CALLERS = 50;

const bench: Bench = {
  name: 'amo-limiter',
  title: `amoCRM requests from ${CALLERS} concurrent callers through one installation's client, emulator enforcing 7 rps`,
  async run(ctx, out) {
    const total = ctx.quick ? 200 : 1000;
    const stack = await startStack({ emulator: { rateLimitPerSecond: 7 } });
    try {
      const accountId = stack.emulator.state.account.id;
      const inst = await stack.server.services.installations.findActive(accountId);
      if (!inst) throw new Error('no installation');
      const client = stack.server.services.access.clientFor(inst);
      await new Promise((r) => setTimeout(r, 1100)); // let the start-up call leave the window

      const from = stack.emulator.calls.length;
      ctx.log(`${total} × account() over ${CALLERS} callers (~${Math.round(total / 6.6)} s)`);
      const started = performance.now();
      let next = 0;
      const errors: string[] = [];
      const progress = setInterval(() => ctx.log(`${next}/${total} issued`), 30_000);
      await Promise.all(
        Array.from({ length: CALLERS }, async () => {
          while (next < total) {
            next++;
            try {
              await client.account();
            } catch (err) {
              errors.push((err as Error).message);
            }
          }
        }),
      );
      clearInterval(progress);
      const elapsed = (performance.now() - started) / 1000;
      const calls = stack.emulator.calls.slice(from).filter((c) => c.path.startsWith('/api/v4'));
      const ours = calls.filter((c) => c.path === '/api/v4/account');
      const tooMany = calls.filter((c) => c.status === 429).length;
      const window = maxInWindow(calls.map((c) => c.at));
      const span = ((ours.at(-1)?.at ?? 0) - (ours[0]?.at ?? 0)) / 1000;

      out.rows.push({
        metric: `achieved rate (${total} requests / elapsed)`,
        value: `${(total / elapsed).toFixed(2)} req/s (${elapsed.toFixed(1)} s)`,
        budget: '≤ 7 req/s',
        ok: total / elapsed <= 7,
      });
      out.rows.push({
        metric: 'max requests in any 1-s sliding window (emulator call log)',
        value: String(window),
        budget: '≤ 7',
        ok: window <= 7,
      });
      out.rows.push({
        metric: '429s at the emulator',
        value: String(tooMany),
        budget: '0',
        ok: tooMany === 0,
      });
      out.rows.push({
        metric: 'failed calls',
        value: String(errors.length),
        budget: '0',
        ok: errors.length === 0,
      });
      out.notes.push(
        `${ours.length} account() requests reached the emulator (${calls.length - ours.length} other API calls by background jobs in the same interval), ` +
          `first to last ${span.toFixed(1)} s apart → ${((ours.length - 1) / span).toFixed(2)} req/s between arrivals. ` +
          'Embedded mode: the in-memory slot scheduler (even spacing 1000/7 + 8 ms ≈ 151 ms).',
      );
      if (errors.length) out.notes.push(`errors: ${[...new Set(errors)].slice(0, 3).join('; ')}`);
      if (ctx.quick) out.notes.push('BENCH_QUICK=1: 200 requests instead of 1,000.');
    } finally {
      await stack.close();
    }
  },
};

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
