import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** The real backend in a process of its own (tests/support/backend-process.ts), for kill -9 tests. */
export interface BackendChild {
  proc: ChildProcess;
  url: string;
}

/**
 * Starts the backend as a child in its own process group (so SIGKILL reaches every process it
 * started), configured only by `env`, and resolves once it prints its ready line.
 * CRASH_TEST_LOG=<file> appends its stdout there.
 */
export function startBackendChild(env: Record<string, string>): Promise<BackendChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'tests/support/backend-process.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-3000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`backend did not start: ${stderr}`)), 60_000);
    proc.once('exit', (code) => reject(new Error(`backend exited (${code}): ${stderr}`)));
    createInterface({ input: proc.stdout as NonNullable<ChildProcess['stdout']> }).on('line', (line) => {
      if (process.env.CRASH_TEST_LOG) appendFileSync(process.env.CRASH_TEST_LOG, `${line}\n`);
      try {
        const msg = JSON.parse(line) as { ready?: { url: string } };
        if (msg.ready) {
          clearTimeout(timer);
          resolve({ proc, url: msg.ready.url });
        }
      } catch {
        // a log line
      }
    });
  });
}

/** kill -9 of the backend's whole process group; resolves once it is gone. */
export async function killBackendChild(b: BackendChild): Promise<void> {
  if (b.proc.exitCode !== null || b.proc.signalCode !== null) return;
  const exited = new Promise((r) => b.proc.once('exit', r));
  process.kill(-(b.proc.pid as number), 'SIGKILL');
  await exited;
}
