import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../../tests/support/ports.js';
import { REPO, rssOf } from './child.js';
import { COMMAND } from './start-run.js';

export interface CompiledServer {
  url: string;
  pid: number;
  rss(): number | undefined;
  stop(): Promise<void>;
}

/**
 * `node server/dist/start.js` as production runs it (no tsx, no emulator in the process), with
 * `env` on top of a clean environment, on a free port; resolves at the first /healthz 200.
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
