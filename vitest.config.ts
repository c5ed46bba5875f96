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
    // vitest's default here (one worker per core but one) runs ONE file at a time on the 2-core CI
    // machine. Two workers took CI's vitest from 976 s to 583 s, but two of three CI runs then
    // failed one e2e test each on a timing race under the shared CPU (a focus moved on a timer,
    // a status painted after the answer: both tests fixed, more may hide). Until a few clean
    // two-worker runs in a row show none is left, CI keeps the default; VITEST_MAX_WORKERS=2 opts in.
    ...(process.env.VITEST_MAX_WORKERS && { maxWorkers: Number(process.env.VITEST_MAX_WORKERS) }),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
