import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO } from './child.js';
import { type Bench, type BenchContext, type BenchResult, machineFacts, toMarkdown } from './report.js';

export function benchContext(): BenchContext {
  return {
    quick: process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true',
    postgresUrl: process.env.TEST_DATABASE_URL || undefined,
    log: (line) => process.stderr.write(`  · ${line}\n`),
  };
}

/** Runs benchmarks one after another (never in parallel: they would measure each other). */
export async function runBenches(benches: Bench[], ctx = benchContext()): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const b of benches) {
    process.stderr.write(`\n▶ ${b.name}: ${b.title}\n`);
    const out = { rows: [], notes: [] } as Pick<BenchResult, 'rows' | 'notes'>;
    const started = performance.now();
    const loadBefore = loadavg()[0] ?? 0;
    let failed: string | undefined;
    try {
      await b.run(ctx, out);
    } catch (err) {
      failed = (err as Error).message;
      process.stderr.write(`  ✗ ${b.name} failed: ${(err as Error).stack ?? failed}\n`);
    }
    const seconds = (performance.now() - started) / 1000;
    out.notes.push(
      `Machine load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${(loadavg()[0] ?? 0).toFixed(2)} on ${
        cpus().length
      } cores (anything above what this benchmark itself adds is other work on the machine).`,
    );
    results.push({ name: b.name, title: b.title, ...out, seconds, ...(failed && { failed }) });
    process.stderr.write(`  done in ${seconds.toFixed(1)} s\n`);
  }
  return results;
}

/** Prints the report to stdout and writes it to .tmp/bench-report.md. Exit code 1 if any failed. */
export function publish(results: BenchResult[], ctx = benchContext()): void {
  const md = toMarkdown(machineFacts(ctx.quick), results);
  const dir = join(REPO, '.tmp');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bench-report.md'), `${md}\n`);
  process.stdout.write(`${md}\n`);
  process.stderr.write(`report written to .tmp/bench-report.md\n`);
  if (results.some((r) => r.failed)) process.exitCode = 1;
}

/** `tsx scripts/bench/<name>.ts`: one benchmark, same report. */
export async function runAlone(bench: Bench): Promise<void> {
  const ctx = benchContext();
  publish(await runBenches([bench], ctx), ctx);
}
