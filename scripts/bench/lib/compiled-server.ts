import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../../tests/support/ports.js';
import { REPO, rssOf } from './child.js';
import { COMMAND } from './start-run.js';

export interface CompiledServer {
  url: string;
  pid: number;
  rss(): number | undefined;
  /** The process's own view of its memory, from its /metrics (prom-client's default metrics). */
  memory(): Promise<MemoryReading>;
  stop(): Promise<void>;
}

/** Bytes, as the server's /metrics reports them (erpb_ prefix). */
export interface MemoryReading {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** V8's young generation (semi-spaces), committed size. */
  newSpace: number;
  /** Time spent in garbage collection since the start, all kinds, seconds. */
  gcSeconds: number;
}

/** The memory figures of a Prometheus text body of the server's /metrics. */
export function memoryOf(metrics: string): MemoryReading {
  const value = (re: RegExp) => Number(re.exec(metrics)?.[1] ?? Number.NaN);
  return {
    rss: value(/^erpb_process_resident_memory_bytes (\S+)$/m),
    heapUsed: value(/^erpb_nodejs_heap_size_used_bytes (\S+)$/m),
    heapTotal: value(/^erpb_nodejs_heap_size_total_bytes (\S+)$/m),
    external: value(/^erpb_nodejs_external_memory_bytes (\S+)$/m),
    newSpace: value(/^erpb_nodejs_heap_space_size_total_bytes\{space="new"\} (\S+)$/m),
    gcSeconds: [...metrics.matchAll(/^erpb_nodejs_gc_duration_seconds_sum\{[^}]*\} (\S+)$/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    ),
  };
}

/**
 * `node server/dist/start.js` as production runs it (no tsx, no emulator in the process), with
 * `env` on top of a clean environment, on a free port; resolves at the first /healthz 200.
 * `nodeArgs` go before the script (V8 flags under comparison, --heapsnapshot-signal…).
 */
export async function startCompiled(
  env: Record<string, string>,
  port?: number,
  /** `entry`: another build's start.js (A/B of two builds in one run); `nodeArgs`: --cpu-prof, say. */
  opts: { entry?: string; nodeArgs?: string[] } = {},
): Promise<CompiledServer> {
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(DATABASE_URL|ENCRYPTION_KEY|AMO_|ERP_|ROLE|PORT|HOST|PUBLIC_URL|DATA_DIR)/.test(k)) clean[k] = v;
  const command = [...(opts.nodeArgs ?? []), ...(opts.entry ? [opts.entry] : COMMAND.compiled)];
  const child: ChildProcess = spawn(process.execPath, command, {
    cwd: REPO,
    env: { ...clean, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr.trim().slice(-400)}`);
    if (performance.now() - started > 120_000) {
      child.kill('SIGKILL');
      throw new Error('server not healthy within 120 s');
    }
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(500) }).then(
      async (r) => {
        await r.body?.cancel();
        return r.status === 200;
      },
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const pid = child.pid as number;
  return {
    url,
    pid,
    rss: () => rssOf(pid),
    async memory() {
      const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
      return memoryOf(await res.text());
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Polls `probe` until it is true (or throws after `ms`). */
export async function waitFor(probe: () => boolean | Promise<boolean>, what: string, ms = 60_000) {
  const until = performance.now() + ms;
  while (!(await probe())) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
