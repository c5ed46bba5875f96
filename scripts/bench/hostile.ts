import { latencyUnderMissingDeals } from './hostile-latency.js';
import { memoryUnderHostileKeys } from './hostile-memory.js';
import { isMain } from './lib/child.js';
import type { Bench } from './lib/report.js';
import { runAlone } from './lib/run.js';

/**
 * `pnpm bench hostile`: what a stranger's traffic costs (issue 9). Part one (hostile-memory.ts):
 * RSS and retained heap of the backend before and after 50k random 8 KB hook keys and 20k random
 * customer ids. Part two (hostile-latency.ts): the guard's revert latency and a real card's
 * latency while 64 connections read stock of deals that do not exist. HOSTILE_PARTS=memory or
 * =latency runs one part only.
 */
const parts = new Set((process.env.HOSTILE_PARTS ?? 'memory,latency').split(',').map((p) => p.trim()));

const bench: Bench = {
  name: 'hostile',
  title:
    'hostile traffic: memory after random hook keys and customer ids; guard and card latency under 64 connections reading missing deals',
  async run(ctx, out) {
    if (parts.has('memory')) await memoryUnderHostileKeys(ctx, out);
    if (parts.has('latency')) await latencyUnderMissingDeals(ctx, out);
  },
};

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
