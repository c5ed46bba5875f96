import type { BenchResult } from './report.js';

/** The benchmarks whose figures issue 14 asks for, side by side in one run (`pnpm bench issue14`). */
export const ISSUE14_BENCHES = ['widget-api', 'gc-per-request', 'webhook-ack', 'startup', 'memory'] as const;

/** Which rows of those benchmarks are issue 14's figures. */
const WANTED: Record<(typeof ISSUE14_BENCHES)[number], RegExp> = {
  'widget-api': /minimal Hono|ratio our route|p99 of our route|server RSS/,
  'gc-per-request': /./,
  'webhook-ack': /ack latency|lost|drain|server RSS/,
  startup: /healthz 200|readyz|phases|openDatabase|pg-boss start|RSS/,
  memory: /RSS/,
};

const cell = (s: string) => s.replaceAll('|', '\\|');

/**
 * One table of issue 14's figures (widget API vs the anchor on both databases, ack latency paced
 * and burst on both, startup parts, RSS per mode), each benchmark's row block followed by the
 * machine's load average while it ran: the machine is shared, so ratios are the figures to read.
 */
export function issue14Summary(results: readonly BenchResult[]): string | undefined {
  const ours = results.filter((r) => r.name in WANTED);
  if (ours.length === 0) return undefined;
  const lines = [
    '## Issue 14 figures (one run)',
    '',
    '| Benchmark | Figure | Value | Budget | |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const r of ours) {
    const wanted = WANTED[r.name as keyof typeof WANTED];
    if (r.failed) lines.push(`| ${r.name} | **failed** | ${cell(r.failed)} | | ✗ |`);
    for (const row of r.rows.filter((x) => wanted.test(x.metric))) {
      const mark = row.ok === undefined ? '' : row.ok ? 'ok' : '**MISS**';
      lines.push(
        `| ${r.name} | ${cell(row.metric)} | ${cell(row.value)} | ${cell(row.budget ?? '')} | ${mark} |`,
      );
    }
    const load = r.notes.find((n) => n.startsWith('Machine load average'));
    if (load)
      lines.push(
        `| ${r.name} | machine load | ${cell(load.replace(/^Machine load average \(1 min\) /, ''))} | | |`,
      );
  }
  return `${lines.join('\n')}\n`;
}
