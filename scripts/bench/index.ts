import type { Bench } from './lib/report.js';
import { benchContext, publish, runBenches } from './lib/run.js';

/**
 * `pnpm bench [name ...]`: every benchmark (or the named ones), one after another, then one
 * markdown report on stdout and in .tmp/bench-report.md. Progress goes to stderr.
 * BENCH_QUICK=1 shortens the long ones; TEST_DATABASE_URL adds PostgreSQL variants;
 * BENCH_PROFILE=1 adds CPU profiles of the server where a benchmark supports it.
 */
const BENCHES: Record<string, () => Promise<{ default: Bench }>> = {
  'webhook-ack': () => import('./webhook-ack.js'),
  'amo-limiter': () => import('./amo-limiter.js'),
  'refresh-race': () => import('./refresh-race.js'),
  'stock-lookup': () => import('./stock-lookup.js'),
  'widget-api': () => import('./widget-api.js'),
  'guard-latency': () => import('./guard-latency.js'),
  'guard-throughput': () => import('./guard-throughput.js'),
  startup: () => import('./startup.js'),
  hostile: () => import('./hostile.js'),
  'erp-loop': () => import('./erp-loop.js'),
  journal: () => import('./journal.js'),
};

async function main() {
  const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length) {
    console.error(`unknown benchmark ${unknown.join(', ')}; available: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  const selected = names.length ? names : Object.keys(BENCHES);
  const benches = await Promise.all(
    selected.map(async (n) => (await (BENCHES[n] as () => Promise<{ default: Bench }>)()).default),
  );
  const ctx = benchContext();
  publish(await runBenches(benches, ctx), ctx);
}

await main();
