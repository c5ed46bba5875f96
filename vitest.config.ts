import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'shared/src/**/*.test.ts',
      'server/src/**/*.test.ts',
      'widget/src/**/*.test.{ts,tsx}',
      'tests/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // vitest's default is one worker per core but one, assuming CPU-bound files: on the 2-core CI
    // machine that is ONE file at a time. Our slow files mostly wait (child backends, Chromium,
    // sockets, timers): the 1-worker CI run summed 874 s of tests in 976 s wall. Two workers on
    // two cores; bigger machines keep vitest's default. VITEST_MAX_WORKERS still overrides.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
