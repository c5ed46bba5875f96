import { execSync } from 'node:child_process';
import { cpus, freemem, totalmem } from 'node:os';

/** One line of the report table. `ok` is set when the metric has a budget. */
export interface Row {
  metric: string;
  value: string;
  budget?: string;
  ok?: boolean;
}

export interface BenchResult {
  name: string;
  title: string;
  rows: Row[];
  notes: string[];
  seconds: number;
  failed?: string;
}

export interface BenchContext {
  /** BENCH_QUICK=1: smaller counts where a benchmark is long by nature. */
  quick: boolean;
  /** TEST_DATABASE_URL, for the benchmarks that add a PostgreSQL variant. */
  postgresUrl: string | undefined;
  /** Progress lines go to stderr, so stdout carries only the report. */
  log(line: string): void;
}

export interface Bench {
  name: string;
  title: string;
  run(ctx: BenchContext, out: { rows: Row[]; notes: string[] }): Promise<void>;
}

export function machineFacts(quick: boolean): string[] {
  const cpu = cpus();
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {}
  const gb = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GB`;
  return [
    `- node ${process.version}, ${process.platform} ${process.arch}, ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'})`,
    `- memory ${gb(totalmem())} total, ${gb(freemem())} free at start; commit ${commit}; ${new Date().toISOString()}`,
    `- mode: ${quick ? 'BENCH_QUICK=1 (reduced counts where noted)' : 'full'}; all traffic on 127.0.0.1; LOG_LEVEL=silent`,
  ];
}

const cell = (s: string) => s.replaceAll('|', '\\|');

export function toMarkdown(facts: string[], results: BenchResult[]): string {
  const lines = ['# erp-bridge benchmarks', '', ...facts, ''];
  lines.push('| Benchmark | Metric | Value | Budget | |', '| --- | --- | --- | --- | --- |');
  for (const r of results) {
    if (r.failed) lines.push(`| ${r.name} | **failed** | ${cell(r.failed)} | | ✗ |`);
    r.rows.forEach((row, i) => {
      const mark = row.ok === undefined ? '' : row.ok ? 'ok' : '**MISS**';
      lines.push(
        `| ${i === 0 && !r.failed ? r.name : ''} | ${cell(row.metric)} | ${cell(row.value)} | ${cell(row.budget ?? '')} | ${mark} |`,
      );
    });
  }
  lines.push('');
  for (const r of results) {
    lines.push(`### ${r.name}: ${r.title} (${r.seconds.toFixed(1)} s)`, '');
    for (const n of r.notes) lines.push(`- ${n}`);
    if (r.failed) lines.push(`- failed: ${r.failed}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const ms = (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms` : 'n/a');

export const latencySummary = (samples: readonly number[]) =>
  `p50 ${ms(percentile(samples, 50))} · p95 ${ms(percentile(samples, 95))} · p99 ${ms(percentile(samples, 99))} · max ${ms(Math.max(...samples))}`;

/** The most timestamps (ms) that fall in any window of `windowMs` (sliding, start inclusive). */
export function maxInWindow(timestamps: readonly number[], windowMs = 1000): number {
  const t = [...timestamps].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while ((t[hi] as number) - (t[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

export { sleep } from '../../../server/src/lib/sleep.js';
