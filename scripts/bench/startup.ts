import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@erp-bridge/server';
import { openDatabase } from '@erp-bridge/server/db';
import { startQueue } from '../../server/src/jobs/queue.js';
import { isMain, REPO } from './lib/child.js';
import { type Bench, ms, percentile } from './lib/report.js';
import { runAlone } from './lib/run.js';
import { COMMAND, type StartRun, startOnce } from './lib/start-run.js';

const FRESH_RUNS = 3;
const FRESH_BUDGET_MS = 4000;
const RESTART_BUDGET_MS = 2000;

const mb = (b: number | undefined) => (b === undefined ? 'n/a' : `${(b / 1024 / 1024).toFixed(0)} MB`);

const bench: Bench = {
  name: 'startup',
  title:
    '`node server/dist/start.js` (compiled, as `pnpm start` runs it) in demo mode, embedded PGlite → first /healthz 200, and RSS',
  async run(ctx, out) {
    if (!existsSync(join(REPO, 'widget/dist/widget/script.js')) || !existsSync(COMMAND.compiled[0] as string))
      throw new Error('the widget or the server is not built: run pnpm build first');
    const dirs: string[] = [];
    try {
      const fresh: StartRun[] = [];
      for (let i = 0; i < FRESH_RUNS; i++) {
        const dir = mkdtempSync(join(tmpdir(), 'erpb-bench-start-'));
        dirs.push(dir);
        const run = await startOnce(dir);
        ctx.log(`fresh start ${i + 1}: ${ms(run.toHealthyMs)}`);
        fresh.push(run);
      }
      const restarts: StartRun[] = [];
      for (let i = 0; i < FRESH_RUNS; i++) restarts.push(await startOnce(dirs.at(-1) as string));
      ctx.log(`restart on existing data: ${restarts.map((r) => ms(r.toHealthyMs)).join(', ')}`);
      const times = fresh.map((r) => r.toHealthyMs);
      const median = percentile(times, 50);
      const restartTimes = restarts.map((r) => r.toHealthyMs);
      const restartMedian = percentile(restartTimes, 50);
      const readyTimes = (runs: StartRun[]) => runs.map((r) => ms(r.toReadyMs)).join(', ');
      out.rows.push({
        metric: `compiled: spawn → /healthz 200, fresh DATA_DIR (median of ${FRESH_RUNS})`,
        value: `${ms(median)} (runs: ${times.map((t) => ms(t)).join(', ')})`,
        budget: `≤ ${FRESH_BUDGET_MS / 1000} s`,
        ok: median <= FRESH_BUDGET_MS,
      });
      out.rows.push({
        metric: `compiled: spawn → /healthz 200, restart on existing DATA_DIR (median of ${FRESH_RUNS})`,
        value: `${ms(restartMedian)} (runs: ${restartTimes.map((t) => ms(t)).join(', ')})`,
        budget: `≤ ${RESTART_BUDGET_MS / 1000} s`,
        ok: restartMedian <= RESTART_BUDGET_MS,
      });
      out.rows.push({
        metric: 'compiled: spawn → /readyz 200 (queue and jobs up too), fresh / restart',
        value: `${readyTimes(fresh)} / ${readyTimes(restarts)}`,
      });
      const inProc = (r: StartRun) => (r.inProcessMs === undefined ? 'n/a' : ms(r.inProcessMs));
      out.rows.push({
        metric: 'of which: inside start.js (main() → demo ready), fresh / restart',
        value: `${fresh.map(inProc).join(', ')} / ${restarts.map(inProc).join(', ')} (the rest: node start-up and module loading)`,
      });
      const phase = (r: StartRun) =>
        r.phases
          ? Object.entries(r.phases)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')
          : 'n/a';
      out.rows.push({
        metric:
          'of which: startServer phases in ms (listen = port open; queue, stockData, jobs behind it), last fresh / last restart',
        value: `${phase(fresh.at(-1) as StartRun)} / ${phase(restarts.at(-1) as StartRun)}`,
      });
      const last = restarts.at(-1);
      out.rows.push({
        metric: 'RSS idle after start, compiled demo (one process: backend + emulator)',
        value: mb(last?.serverRss),
        budget: '≤ 300 MB',
        ok: (last?.serverRss ?? Infinity) <= 300 * 1024 * 1024,
      });
      if (ctx.postgresUrl) {
        // A production web instance on PostgreSQL: compiled, ROLE=web, no demo, no emulator.
        const { freshPostgresDatabase } = await import('../../server/src/db/test-databases.js');
        const pgDb = await freshPostgresDatabase(ctx.postgresUrl);
        try {
          const pgEnv = {
            DATABASE_URL: pgDb.url,
            AMO_CLIENT_ID: 'bench-client',
            AMO_CLIENT_SECRET: 'bench-client-secret-0123456789',
            ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
          };
          // The worker migrates the fresh database first, as in deploy/.
          const worker = await startOnce(dirs.at(-1) as string, 'compiled', { ...pgEnv, ROLE: 'worker' });
          const web = await startOnce(dirs.at(-1) as string, 'compiled', { ...pgEnv, ROLE: 'web' });
          out.rows.push({
            metric: 'PostgreSQL, compiled: spawn → /healthz 200, worker (fresh database) / web',
            value: `${ms(worker.toHealthyMs)} / ${ms(web.toHealthyMs)}; /readyz ${ms(worker.toReadyMs)} / ${ms(web.toReadyMs)} (web phases: ${phase(web)})`,
          });
          out.rows.push({
            metric: 'RSS idle after start on PostgreSQL: ROLE=web / ROLE=worker',
            value: `${mb(web.serverRss)} / ${mb(worker.serverRss)}`,
            budget: 'web ≤ 150 MB',
            ok: (web.serverRss ?? Infinity) <= 150 * 1024 * 1024,
          });
        } finally {
          await pgDb.drop();
        }
      }
      // The anchor: the same start through tsx (TypeScript compiled on the fly), as `pnpm start` ran before.
      const tsxDir = mkdtempSync(join(tmpdir(), 'erpb-bench-start-'));
      dirs.push(tsxDir);
      await startOnce(tsxDir, 'tsx');
      const tsx = await startOnce(tsxDir, 'tsx');
      out.rows.push({
        metric:
          'anchor: `tsx scripts/start.ts`, restart on existing DATA_DIR (server RSS / tree RSS incl. tsx CLI)',
        value: `${ms(tsx.toHealthyMs)} (${mb(tsx.serverRss)} / ${mb(tsx.treeRss)})`,
      });
      // Where the time goes: opening PGlite on a directory, in this process. Fresh with the build's
      // template (copy + migrations that find nothing to do), and without it (initdb + migrations).
      const templateDir = mkdtempSync(join(tmpdir(), 'erpb-bench-db-'));
      dirs.push(templateDir);
      let t = performance.now();
      const fromTemplate = await openDatabase({ dataDir: templateDir });
      const templateMs = performance.now() - t;
      await fromTemplate.close();
      const probeDir = mkdtempSync(join(tmpdir(), 'erpb-bench-db-'));
      dirs.push(probeDir);
      const rssBefore = process.memoryUsage().rss;
      t = performance.now();
      const db = await openDatabase({ dataDir: probeDir, useTemplate: false });
      const freshDb = performance.now() - t;
      const rssDelta = process.memoryUsage().rss - rssBefore;
      t = performance.now();
      const queue = await startQueue(db, createLogger('silent'));
      const freshQueue = performance.now() - t;
      await queue.stop();
      await db.close();
      t = performance.now();
      const again = await openDatabase({ dataDir: probeDir });
      const reopenDb = performance.now() - t;
      t = performance.now();
      await (await startQueue(again, createLogger('silent'))).stop();
      const reopenQueue = performance.now() - t;
      await again.close();
      out.rows.push({
        metric:
          'of which: openDatabase on PGlite: fresh from the build template / fresh with initdb + migrations / existing dir',
        value: `${ms(templateMs)} / ${ms(freshDb)} / ${ms(reopenDb)} (initdb: RSS +${mb(rssDelta)} in a warm process)`,
      });
      out.rows.push({
        metric: 'of which: pg-boss start on PGlite (fresh: creates its schema / existing)',
        value: `${ms(freshQueue)} / ${ms(reopenQueue)} (start + stop)`,
      });
      out.notes.push(
        'Demo mode: no AMO_CLIENT_ID, so the amoCRM emulator and sandbox start next to the backend and the demo stock CSV ' +
          'is imported. A fresh DATA_DIR gets a copy of the migrated template `pnpm build` made (server/dist/pglite-template) ' +
          'instead of initdb. The clock starts at spawn of `node server/dist/start.js` and stops at the first /healthz 200 ' +
          '(the port opens once the database is open and migrated and the routes are built; the queue, the stock data and the ' +
          'jobs start behind it, and /readyz turns 200 when they are up: both are reported), ' +
          'polled every 10 ms; RSS is read 0.5 s later. Each run is stopped with SIGTERM. Absolute times are noisy on a ' +
          'shared 2-core machine (see the load average below).',
      );
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  },
};

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
