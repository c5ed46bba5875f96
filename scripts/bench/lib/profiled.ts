import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summariseProfile } from './profile.js';

/**
 * BENCH_PROFILE=1: run a target under --cpu-prof and summarise where its CPU time went.
 * Returns node flags for the target and a function that reads the profile after it exited.
 */
export function maybeProfile(): { nodeArgs: string[]; summary(): string | undefined } {
  if (process.env.BENCH_PROFILE !== '1' && process.env.BENCH_PROFILE !== 'all')
    return { nodeArgs: [], summary: () => undefined };
  // BENCH_PROFILE_KEEP=<dir>: the .cpuprofile files stay there (read them with profile-inclusive.ts).
  const keep = process.env.BENCH_PROFILE_KEEP;
  const dir = mkdtempSync(keep ? `${keep}/prof-` : join(tmpdir(), 'erpb-prof-'));
  return {
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    summary() {
      const s = summariseProfile(dir, 6);
      if (!keep) rmSync(dir, { recursive: true, force: true });
      if (!s) return undefined;
      return `CPU profile of the server process (BENCH_PROFILE=1, ${(s.busyMs / 1000).toFixed(1)} s busy; self time): ${s.buckets.join(', ')}; top functions: ${s.functions.join(', ')}`;
    },
  };
}
