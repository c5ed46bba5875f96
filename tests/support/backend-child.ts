import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { startAmoEmulator } from '@erp-bridge/emulator-amocrm';
import { freshDatabase, postgresForTests } from '../../server/src/db/test-databases.js';
import { freePort } from './ports.js';

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

/**
 * Runs the child's per-minute ERP poll now (what its cron does at the next minute, up to 60 s
 * later): a test waiting for what the first poll does (registering MoySklad's webhooks) need not
 * wait out the clock.
 */
export function pollErpNow(b: BackendChild): void {
  process.kill(b.proc.pid as number, 'SIGUSR2');
}

/**
 * The databases a kill -9 test runs on: PGlite (the same data dir), and PostgreSQL when the run has
 * one. CRASH_TEST_KEEP_DB keeps (and prints) the PostgreSQL database, to look at after a failure.
 */
export function crashDatabases() {
  const keep = Boolean(process.env.CRASH_TEST_KEEP_DB);
  return [
    { name: 'pglite', database: async () => ({ env: {} as Record<string, string> }) },
    ...(postgresForTests()
      ? [
          {
            name: 'postgres',
            database: async () => {
              const env: Record<string, string> = { DATABASE_URL: await freshDatabase({ keep }) };
              if (keep) console.log(`crash test database ${JSON.stringify(env)}`);
              return { env };
            },
          },
        ]
      : []),
  ];
}

/**
 * An amoCRM emulator for a backend child that runs as a private integration (long-lived token)
 * on `port`, and that child's environment (add the database's and the test's own variables).
 */
export async function crashAmoEmulator(o: { secret: string; latencyMs: number; dataDir: string }) {
  const accessToken = randomBytes(16).toString('hex');
  const port = await freePort();
  const backendUrl = `http://127.0.0.1:${port}`;
  const emulator = await startAmoEmulator({
    port: 0,
    clientSecret: o.secret,
    backendUrl,
    widgetDir: 'widget/dist/widget',
    accessToken,
    latencyMs: o.latencyMs,
    webhookRetries: 0,
  });
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: backendUrl,
    DATA_DIR: o.dataDir,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    AMO_CLIENT_SECRET: o.secret,
    AMO_API_BASE: emulator.url,
    AMO_LONG_LIVED_TOKEN: accessToken,
    AMO_SUBDOMAIN: 'erpbridgedemo',
    LOG_LEVEL: process.env.CRASH_TEST_LOG ? 'info' : 'silent',
  };
  return { emulator, env, backendUrl, accessToken };
}
