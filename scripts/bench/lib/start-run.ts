import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../../../tests/support/ports.js';
import { REPO, rssOf } from './child.js';
import { sleep } from './report.js';

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

export interface StartRun {
  toHealthyMs: number;
  /** Spawn → first /readyz 200. */
  toReadyMs: number;
  /** main() → "demo ready", as start.ts logs it: the rest is tsx and module loading. */
  inProcessMs?: number;
  serverRss?: number;
  treeRss?: number;
  /** Phases inside startServer (db.*, services, listen, queue, stockData, jobs, total), from its ready log. */
  phases?: Record<string, number>;
}

/** How the backend is launched: the compiled production start, or the TypeScript source through tsx. */
export type Launch = 'compiled' | 'tsx';
export const COMMAND: Record<Launch, string[]> = {
  compiled: [join(REPO, 'server/dist/start.js')],
  tsx: [join(REPO, 'node_modules/tsx/dist/cli.mjs'), 'scripts/start.ts'],
};

/**
 * The start script in demo mode on free ports; time from spawn to the first /healthz 200 (the port
 * is open and the routes built) and to the first /readyz 200 (the queue and the jobs are up too).
 */
export async function startOnce(
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
      if (entry.msg === 'erp-bridge ready') phases = entry.startupMs;
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
    let readyAt: number | undefined;
    while (readyAt === undefined) {
      if (exited) throw new Error(`start.ts exited before it was ready: ${stderr.trim().slice(-400)}`);
      if (performance.now() - started > 30_000) throw new Error('not ready within 30 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(500) });
        if (res.status === 200) readyAt = performance.now();
        await res.body?.cancel();
      } catch {}
      if (readyAt === undefined) await sleep(10);
    }
    await sleep(500); // let start-up allocations settle before reading RSS
    const pids = descendants(child.pid as number);
    const rss = pids.map((p) => rssOf(p) ?? 0);
    const treeRss = (rssOf(child.pid as number) ?? 0) + rss.reduce((a, b) => a + b, 0);
    // The server is the biggest process of the tree (tsx's CLI relays to a child running the script).
    const serverRss = launch === 'compiled' ? rssOf(child.pid as number) : Math.max(0, ...rss) || undefined;
    return {
      toHealthyMs: (healthyAt as number) - started,
      toReadyMs: readyAt - started,
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
