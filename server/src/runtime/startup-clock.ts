import type { Logger } from '../log.js';

/**
 * Where a start's seconds go. Each mark closes the phase since the previous one: its duration
 * goes into `phases` (logged with "erp-bridge listening" and "erp-bridge ready", read by
 * scripts/bench/startup.ts) and a debug line `startup` gives the phase, its duration and the time
 * since the process began (performance.now() counts from the process's time origin, so the first
 * phase's `atMs` also shows node's own start and module loading).
 */
export function startupClock(log: Logger) {
  const phases: Record<string, number> = {};
  const began = performance.now();
  let last = began;
  return {
    phases,
    mark(phase: string) {
      const now = performance.now();
      const ms = Math.round(now - last);
      phases[phase] = (phases[phase] ?? 0) + ms;
      last = now;
      log.debug({ phase, ms, atMs: Math.round(now) }, 'startup');
    },
    /** Milliseconds since the clock began. */
    elapsed: () => Math.round(performance.now() - began),
  };
}

export type StartupClock = ReturnType<typeof startupClock>;
