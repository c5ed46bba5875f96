import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './lib/child.js';
import { ISSUE14_BENCHES, issue14Summary } from './lib/issue14.js';
import type { Bench } from './lib/report.js';
import { benchContext, publish, runBenches } from './lib/run.js';

/**
 * `pnpm bench [name ...]`: every benchmark (or the named ones), one after another, then one
 * markdown report on stdout and in .tmp/bench-report.md. Progress goes to stderr.
 * BENCH_QUICK=1 shortens the long ones; TEST_DATABASE_URL adds PostgreSQL variants;
 * BENCH_TARGET_NODE_ARGS adds node flags to the servers under test only (not to the sender);
 * BENCH_PROFILE=1 adds CPU profiles of the server where a benchmark supports it.
 * `pnpm bench issue14` runs issue 14's benchmarks; whenever they ran, their figures are printed
 * again at the end in one table, each block with the machine's load beside it.
 */
const BENCHES: Record<string, () => Promise<{ default: Bench }>> = {
  'webhook-ack': () => import('./webhook-ack.js'),
  'amo-limiter': () => import('./amo-limiter.js'),
  'refresh-race': () => import('./refresh-race.js'),
  'stock-lookup': () => import('./stock-lookup.js'),
  'widget-api': () => import('./widget-api.js'),
  'gc-per-request': () => import('./gc-per-request.js'),
  'guard-latency': () => import('./guard-latency.js'),
  'guard-throughput': () => import('./guard-throughput.js'),
  startup: () => import('./startup.js'),
  hostile: () => import('./hostile.js'),
  'erp-loop': () => import('./erp-loop.js'),
  journal: () => import('./journal.js'),
  memory: () => import('./memory.js'),
};

async function main() {
  const names = process.argv
    .slice(2)
    .filter((a) => !a.startsWith('-'))
    .flatMap((n) => (n === 'issue14' ? [...ISSUE14_BENCHES] : [n]));
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
  const results = await runBenches(benches, ctx);
  publish(results, ctx);
  const summary = issue14Summary(results);
  if (summary) {
    appendFileSync(join(REPO, '.tmp', 'bench-report.md'), `\n${summary}`);
    process.stdout.write(`\n${summary}`);
  }
}

await main();
