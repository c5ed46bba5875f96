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
const BUDGET_MS = 3000;

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
}

/** `tsx scripts/start.ts` in demo mode on free ports; time from spawn to the first /healthz 200. */
async function startOnce(dataDir: string): Promise<StartRun> {
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
  });
  const started = performance.now();
  const child = spawn(process.execPath, [join(REPO, 'node_modules/tsx/dist/cli.mjs'), 'scripts/start.ts'], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so the whole tree can be stopped
  });
  let inProcessMs: number | undefined;
  createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on('line', (line) => {
    try {
      const entry = JSON.parse(line) as { msg?: string; ms?: number };
      if (entry.msg === 'demo ready' && typeof entry.ms === 'number') inProcessMs = entry.ms;
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
    const serverRss = Math.max(0, ...rss) || undefined;
    return {
      toHealthyMs: (healthyAt as number) - started,
      inProcessMs,
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
    '`tsx scripts/start.ts` in demo mode (embedded PGlite, fresh DATA_DIR) → first /healthz 200, and RSS',
  async run(ctx, out) {
    if (!existsSync(join(REPO, 'widget/dist/widget/script.js')))
      throw new Error('the widget is not built (widget/dist/widget/script.js): run pnpm build first');
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
      const restart = await startOnce(dirs.at(-1) as string);
      ctx.log(`restart on existing data: ${ms(restart.toHealthyMs)}`);
      const times = fresh.map((r) => r.toHealthyMs);
      const median = percentile(times, 50);
      out.rows.push({
        metric: `spawn → /healthz 200, fresh DATA_DIR (median of ${FRESH_RUNS})`,
        value: `${ms(median)} (runs: ${times.map((t) => ms(t)).join(', ')})`,
        budget: `≤ ${BUDGET_MS / 1000} s`,
        ok: median <= BUDGET_MS,
      });
      out.rows.push({
        metric: 'spawn → /healthz 200, restart on existing DATA_DIR',
        value: ms(restart.toHealthyMs),
        budget: `≤ ${BUDGET_MS / 1000} s`,
        ok: restart.toHealthyMs <= BUDGET_MS,
      });
      const inProc = (r: StartRun) => (r.inProcessMs === undefined ? 'n/a' : ms(r.inProcessMs));
      out.rows.push({
        metric: 'of which: inside start.ts (main() → demo ready), fresh / restart',
        value: `${fresh.map(inProc).join(', ')} / ${inProc(restart)} (the rest: tsx CLI, TypeScript compile, imports)`,
      });
      const last = fresh.at(-1);
      out.rows.push({
        metric: 'RSS after start (server process / whole tree incl. tsx CLI)',
        value: `${mb(last?.serverRss)} / ${mb(last?.treeRss)}`,
      });
      // Where the time goes: opening PGlite on a directory (initdb + migrations when fresh), in this process.
      const probeDir = mkdtempSync(join(tmpdir(), 'erpb-bench-db-'));
      dirs.push(probeDir);
      const rssBefore = process.memoryUsage().rss;
      let t = performance.now();
      const db = await openDatabase({ dataDir: probeDir });
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
        metric: 'of which: openDatabase on PGlite (fresh dir: initdb + migrations / existing dir)',
        value: `${ms(freshDb)} / ${ms(reopenDb)} (RSS +${mb(rssDelta)} in a warm process)`,
      });
      out.rows.push({
        metric: 'of which: pg-boss start on PGlite (fresh: creates its schema / existing)',
        value: `${ms(freshQueue)} / ${ms(reopenQueue)} (start + stop)`,
      });
      out.notes.push(
        'Demo mode: no AMO_CLIENT_ID, so the amoCRM emulator and sandbox start next to the backend, the demo stock CSV ' +
          'is imported into PGlite, migrations run on the fresh data directory. The clock starts at spawn of the tsx CLI ' +
          '(which compiles TypeScript on the fly and runs the script in a child node process) and stops at the first ' +
          '/healthz 200, polled every 10 ms. Each run is stopped with SIGTERM.',
      );
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  },
};

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
