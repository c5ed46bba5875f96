import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createLogger } from '@erp-bridge/server';
import { openDatabase } from '@erp-bridge/server/db';
import { startQueue } from '../../server/src/jobs/queue.js';
import { freePort } from '../../tests/support/ports.js';
import { isMain, REPO, rssOf } from './lib/child.js';
import { type Bench, ms, percentile, sleep } from './lib/report.js';
import { runAlone } from './lib/run.js';

const FRESH_RUNS = 3;
const FRESH_BUDGET_MS = 4000;
const RESTART_BUDGET_MS = 2000;

/** Direct and indirect children of `pid` (Linux /proc). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may contain spaces, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {}
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

interface StartRun {
  toHealthyMs: number;
  /** main() → "demo ready", as start.ts logs it: the rest is tsx and module loading. */
  inProcessMs?: number;
  serverRss?: number;
  treeRss?: number;
  /** Phases inside startServer (database, stockData, queue, jobs, total), from its listening log. */
  phases?: Record<string, number>;
}

/** How the backend is launched: the compiled production start, or the TypeScript source through tsx. */
type Launch = 'compiled' | 'tsx';
const COMMAND: Record<Launch, string[]> = {
  compiled: [join(REPO, 'server/dist/start.js')],
  tsx: [join(REPO, 'node_modules/tsx/dist/cli.mjs'), 'scripts/start.ts'],
};

/** The start script in demo mode on free ports; time from spawn to the first /healthz 200. */
async function startOnce(
  dataDir: string,
  launch: Launch = 'compiled',
  extraEnv: Record<string, string> = {},
): Promise<StartRun> {
  const port = await freePort();
  const emulatorPort = await freePort();
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // A clean demo: no database URL, keys or amoCRM/ERP settings inherited from the shell.
    if (
      !/^(DATABASE_URL|ENCRYPTION_KEY|AMO_|ERP_|MOYSKLAD_|ONEC_|REST_|LOCAL_STOCK|CORS_|PUBLIC_URL|PORT|HOST)/.test(
        k,
      )
    )
      env[k] = v;
  }
  Object.assign(env, {
    PORT: String(port),
    EMULATOR_PORT: String(emulatorPort),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    // info, not silent: start.ts logs how long main() took ("demo ready", ms), a handful of lines.
    LOG_LEVEL: 'info',
    ...extraEnv,
  });
  const started = performance.now();
  const child = spawn(process.execPath, COMMAND[launch], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so the whole tree can be stopped
  });
  let inProcessMs: number | undefined;
  let phases: Record<string, number> | undefined;
  createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on('line', (line) => {
    try {
      const entry = JSON.parse(line) as { msg?: string; ms?: number; startupMs?: Record<string, number> };
      if ((entry.msg === 'demo ready' || entry.msg === 'ready') && typeof entry.ms === 'number')
        inProcessMs = entry.ms;
      if (entry.msg === 'erp-bridge listening') phases = entry.startupMs;
    } catch {}
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  let exited = false;
  const exit = new Promise<void>((r) =>
    child.once('exit', () => {
      exited = true;
      r();
    }),
  );
  try {
    let healthyAt: number | undefined;
    while (healthyAt === undefined) {
      if (exited) throw new Error(`start.ts exited before it was healthy: ${stderr.trim().slice(-400)}`);
      if (performance.now() - started > 30_000) throw new Error('not healthy within 30 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(500) });
        if (res.status === 200) healthyAt = performance.now();
        await res.body?.cancel();
      } catch {}
      if (healthyAt === undefined) await sleep(10);
    }
    await sleep(500); // let start-up allocations settle before reading RSS
    const pids = descendants(child.pid as number);
    const rss = pids.map((p) => rssOf(p) ?? 0);
    const treeRss = (rssOf(child.pid as number) ?? 0) + rss.reduce((a, b) => a + b, 0);
    // The server is the biggest process of the tree (tsx's CLI relays to a child running the script).
    const serverRss = launch === 'compiled' ? rssOf(child.pid as number) : Math.max(0, ...rss) || undefined;
    return {
      toHealthyMs: (healthyAt as number) - started,
      inProcessMs,
      phases,
      serverRss,
      treeRss,
    };
  } finally {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {}
      }, 10_000);
      await exit;
      clearTimeout(timer);
    }
  }
}

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
        metric: 'of which: startServer phases in ms, last fresh / last restart',
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
            value: `${ms(worker.toHealthyMs)} / ${ms(web.toHealthyMs)} (web phases: ${phase(web)})`,
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
          'instead of initdb. The clock starts at spawn of `node server/dist/start.js` and stops at the first /healthz 200, ' +
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
