import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type StartedAmoEmulator, startAmoEmulator } from '@erp-bridge/emulator-amocrm';
import { freshDatabase } from '../../server/src/db/test-databases.js';
import { freePort } from './ports.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const COMPILED_START = join(REPO, 'server/dist/start.js');
export const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
export const NGINX_TEMPLATE = join(REPO, 'deploy/nginx.conf');
export const CLUSTER_SECRET = 'scale-out-client-secret-0123456789';
const CLIENT_ID = 'demo-client-id';

export interface Instance {
  name: string;
  role: 'web' | 'worker';
  port: number;
  url: string;
  child: ChildProcess;
  /** The last lines it wrote (pino JSON), for failure messages. */
  output(): string;
  exited: Promise<number | null>;
}

export interface Cluster {
  /** nginx: the only address clients use. */
  url: string;
  emulator: StartedAmoEmulator;
  databaseUrl: string;
  webs: Instance[];
  worker: Instance;
  /** The tail of nginx's error log (for failure messages). */
  nginxLog(): string;
  close(): Promise<void>;
}

/**
 * The deploy/nginx.conf server blocks, run by a private nginx: its upstream servers replaced by
 * the web instances, its listen address by a free local port, inside a main config whose pid,
 * logs and temp files live in `prefix`.
 */
export function nginxConfig(prefix: string, listenPort: number, upstreamPorts: number[]): string {
  const site = readFileSync(NGINX_TEMPLATE, 'utf8');
  const servers = site.match(/^\s*server 127\.0\.0\.1:\d+[^;]*;$/gm) ?? [];
  if (servers.length === 0) throw new Error('deploy/nginx.conf has no upstream server lines');
  const options = (servers[0] as string).replace(/^\s*server \S+/, '').replace(/;$/, '');
  let replaced = site.replace(
    servers.join('\n'),
    upstreamPorts.map((p) => `    server 127.0.0.1:${p}${options};`).join('\n'),
  );
  if (!/^\s*listen 80;$/m.test(replaced)) throw new Error('deploy/nginx.conf has no `listen 80;`');
  replaced = replaced.replace(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${listenPort};`);
  for (const d of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
    mkdirSync(join(prefix, d), { recursive: true });
  return [
    'daemon off;',
    // As root, nginx would hand its workers to `nobody`, who cannot write the private temp folders.
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    'worker_processes 1;',
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${join(prefix, 'error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `  access_log ${join(prefix, 'access.log')};`,
    `  client_body_temp_path ${join(prefix, 'client_body')};`,
    `  proxy_temp_path ${join(prefix, 'proxy')};`,
    `  fastcgi_temp_path ${join(prefix, 'fastcgi')};`,
    `  uwsgi_temp_path ${join(prefix, 'uwsgi')};`,
    `  scgi_temp_path ${join(prefix, 'scgi')};`,
    replaced,
    '}',
    '',
  ].join('\n');
}

export async function waitHealthy(url: string, child: ChildProcess, output: () => string, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url} exited (${child.exitCode}): ${output()}`);
    try {
      // Ready, not only alive: the port opens before the queue and the jobs are up (runtime.ts), and
      // /readyz says 200 once they are, as a load balancer's health check reads it.
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(500) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch {}
    if (Date.now() > end) throw new Error(`${url} not ready within ${ms} ms: ${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function spawnTail(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(cmd, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-3000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => tail, exited };
}

/** SIGTERM, then SIGKILL if it has not gone within `ms`. */
export async function stopChild(child: ChildProcess, exited: Promise<unknown>, ms = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(timer);
}

/**
 * A production-shaped deployment on this machine: `webs` instances of `node server/dist/start.js`
 * with ROLE=web and one ROLE=worker on one fresh PostgreSQL database, behind nginx running
 * deploy/nginx.conf, talking to an amoCRM emulator (7 requests/second) as an OAuth integration.
 */
export async function startCluster(opts: { webs?: number } = {}): Promise<Cluster> {
  if (!existsSync(COMPILED_START)) throw new Error(`${COMPILED_START} missing: run pnpm build`);
  const databaseUrl = await freshDatabase();
  const prefix = mkdtempSync(join(tmpdir(), 'erpb-nginx-'));
  const nginxPort = await freePort();
  const url = `http://127.0.0.1:${nginxPort}`;
  const emulator = await startAmoEmulator({
    port: 0,
    clientSecret: CLUSTER_SECRET,
    clientId: CLIENT_ID,
    backendUrl: url,
    widgetDir: join(REPO, 'widget/dist/widget'),
    accessToken: randomBytes(16).toString('hex'),
    rateLimitPerSecond: 7,
  });
  const started: { child: ChildProcess; exited: Promise<unknown> }[] = [];
  const env = (role: string, port: number): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    ROLE: role,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    DATABASE_URL: databaseUrl,
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    AMO_CLIENT_ID: CLIENT_ID,
    AMO_CLIENT_SECRET: CLUSTER_SECRET,
    AMO_REDIRECT_URI: `${url}/oauth/callback`,
    AMO_API_BASE: emulator.url,
    SHUTDOWN_GRACE_SECONDS: '3',
    LOG_LEVEL: 'warn',
  });
  const startInstance = async (
    name: string,
    role: 'web' | 'worker',
    extra: Record<string, string> = {},
  ): Promise<Instance> => {
    const port = await freePort();
    const p = spawnTail(process.execPath, [COMPILED_START], { ...env(role, port), ...extra });
    started.push(p);
    const instance = { name, role, port, url: `http://127.0.0.1:${port}`, ...p };
    await waitHealthy(instance.url, p.child, p.output);
    return instance;
  };
  let nginx: ReturnType<typeof spawnTail> | undefined;
  const close = async () => {
    if (nginx) await stopChild(nginx.child, nginx.exited, 3000);
    await Promise.all(started.map((p) => stopChild(p.child, p.exited)));
    await emulator.close();
    rmSync(prefix, { recursive: true, force: true });
  };
  try {
    // The worker first: it runs the migrations while the webs would only wait on the same lock.
    // It also loads the demo stock into the embedded stock store (shared through the database).
    const worker = await startInstance('worker', 'worker', {
      LOCAL_STOCK_CSV: join(REPO, 'server/src/erp/local/demo-stock.csv'),
    });
    const webs = await Promise.all(
      Array.from({ length: opts.webs ?? 2 }, (_, i) => startInstance(`web${i + 1}`, 'web')),
    );
    const conf = join(prefix, 'nginx.conf');
    writeFileSync(
      conf,
      nginxConfig(
        prefix,
        nginxPort,
        webs.map((w) => w.port),
      ),
    );
    nginx = spawnTail(NGINX, ['-p', prefix, '-e', join(prefix, 'error.log'), '-c', conf], {
      PATH: process.env.PATH,
    });
    await waitHealthy(
      url,
      nginx.child,
      () => `${nginx?.output()} ${readFileSafe(join(prefix, 'error.log'))}`,
    );
    return {
      url,
      emulator,
      databaseUrl,
      webs,
      worker,
      nginxLog: () => readFileSafe(join(prefix, 'error.log')),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

const readFileSafe = (f: string) => {
  try {
    return readFileSync(f, 'utf8').slice(-2000);
  } catch {
    return '';
  }
};
