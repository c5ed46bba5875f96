import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startAmoEmulator } from '@erp-bridge/emulator-amocrm';
import { createOAuthClient } from '../../server/src/amocrm/oauth.js';
import { createTokenManager } from '../../server/src/amocrm/tokens.js';
import { createSecretBox, generateKeyBase64 } from '../../server/src/crypto/secret-box.js';
import { type Database, openDatabase } from '../../server/src/db/open.js';
import { installations } from '../../server/src/db/schema.js';
import { createLogger } from '../../server/src/log.js';

/**
 * The refresh race across processes. Run as a script, this file is one "server process": it
 * builds the real token manager on a shared PostgreSQL and, when told "go" on stdin, fires CALLS
 * concurrent token requests for one installation.
 *
 * env: DATABASE_URL, ENCRYPTION_KEY, AMO_API_BASE, INSTALLATION_ID, AMO_CLIENT_SECRET,
 * AMO_REDIRECT_URI, AMO_CLIENT_ID (default demo-client-id), CALLS (default 50),
 * MODE = get (getAccessToken) | unauthorized (onUnauthorized(OLD_ACCESS_TOKEN)).
 * stdout: "ready", then one JSON line (WorkerResult).
 *
 * Imported, it offers prepareRefreshRace / runRefreshWorkers to the race test and `pnpm bench`.
 */
export interface WorkerResult {
  /** Distinct access tokens the calls resolved to. */
  tokens: string[];
  /** Distinct error messages of calls that failed. */
  errors: string[];
  /** Refreshes this process performed. */
  refreshes: number;
  ms: number;
}

export const RACE_CLIENT_ID = 'demo-client-id';
const RACE_SECRET = 'refresh-race-client-secret-0123456789';
const RACE_REDIRECT = 'http://127.0.0.1:9/oauth/callback';
const WORKER = fileURLToPath(import.meta.url);
const REPO = resolve(dirname(WORKER), '../..');

const env = (name: string, fallback?: string): string => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`refresh-worker: ${name} is required`);
  return v;
};

async function workerMain() {
  const installationId = Number(env('INSTALLATION_ID'));
  const calls = Number(env('CALLS', '50'));
  const mode = env('MODE', 'get');
  const oldToken = mode === 'unauthorized' ? env('OLD_ACCESS_TOKEN') : '';
  const apiBase = env('AMO_API_BASE');

  const database = await openDatabase({ databaseUrl: env('DATABASE_URL'), dataDir: 'unused' });
  let refreshes = 0;
  const tokens = createTokenManager({
    db: database.db,
    box: createSecretBox(env('ENCRYPTION_KEY')),
    oauth: createOAuthClient({
      clientId: env('AMO_CLIENT_ID', RACE_CLIENT_ID),
      clientSecret: env('AMO_CLIENT_SECRET'),
      redirectUri: env('AMO_REDIRECT_URI'),
    }),
    log: createLogger('silent'),
    accountBase: () => apiBase,
    onRefresh: () => void refreshes++,
  });

  process.stdout.write('ready\n');
  const rl = createInterface({ input: process.stdin });
  await new Promise<void>((done) => rl.once('line', () => done()));
  rl.close();

  const started = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: calls }, () =>
      mode === 'unauthorized'
        ? tokens.onUnauthorized(installationId, oldToken)
        : tokens.getAccessToken(installationId),
    ),
  );
  const ms = performance.now() - started;
  const result: WorkerResult = {
    tokens: [...new Set(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])))],
    errors: [
      ...new Set(
        results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : [])),
      ),
    ],
    refreshes,
    ms,
  };
  await database.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export interface RefreshRace {
  database: Database;
  emulator: Awaited<ReturnType<typeof startAmoEmulator>>;
  installationId: number;
  encryptionKey: string;
  /** The pair the installation started with (both spent or expired once the race ran). */
  original: { accessToken: string; refreshToken: string };
  /** The installation's current tokens, opened. */
  stored(): Promise<{ accessToken: string | null; refreshToken: string | null }>;
  close(): Promise<void>;
}

/**
 * A fresh PostgreSQL database (migrated) and amoCRM emulator, an installation holding a real token
 * pair from the emulator's OAuth endpoint, sealed. With `expired`, our copy says the access token
 * expired and the emulator has expired it too.
 */
export async function prepareRefreshRace(adminUrl: string, opts: { expired: boolean }): Promise<RefreshRace> {
  // Imported here: test-databases refuses to load under CI without TEST_DATABASE_URL.
  const { createPostgresDatabase } = await import('../../server/src/db/test-databases.js');
  const database = await createPostgresDatabase(adminUrl);
  const emulator = await startAmoEmulator({
    port: 0,
    clientSecret: RACE_SECRET,
    clientId: RACE_CLIENT_ID,
    backendUrl: 'http://127.0.0.1:9',
    redirectUri: RACE_REDIRECT,
    widgetDir: resolve(REPO, 'widget/dist/widget'),
    accessToken: randomBytes(16).toString('hex'),
    rateLimitPerSecond: 0,
  });
  try {
    const res = await fetch(`${emulator.url}/oauth2/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: RACE_CLIENT_ID,
        client_secret: RACE_SECRET,
        grant_type: 'authorization_code',
        code: emulator.state.issueAuthCode(),
        redirect_uri: RACE_REDIRECT,
      }),
    });
    if (!res.ok) throw new Error(`the emulator refused the code exchange (${res.status})`);
    const pair = (await res.json()) as { access_token: string; refresh_token: string; expires_in: number };

    const encryptionKey = generateKeyBase64();
    const box = createSecretBox(encryptionKey);
    const [row] = await database.db
      .insert(installations)
      .values({
        accountId: emulator.state.account.id,
        subdomain: emulator.state.account.subdomain,
        hookKey: randomBytes(16).toString('hex'),
        accessTokenEnc: box.seal(pair.access_token),
        refreshTokenEnc: box.seal(pair.refresh_token),
        tokenExpiresAt: opts.expired
          ? new Date(Date.now() - 60_000)
          : new Date(Date.now() + pair.expires_in * 1000),
        refreshTokenIssuedAt: new Date(),
      })
      .returning({ id: installations.id });
    if (!row) throw new Error('installation insert returned nothing');
    emulator.state.expireAccessTokens();

    return {
      database,
      emulator,
      installationId: row.id,
      encryptionKey,
      original: { accessToken: pair.access_token, refreshToken: pair.refresh_token },
      async stored() {
        const r = (await database.db.select().from(installations)).find((i) => i.id === row.id);
        return {
          accessToken: r?.accessTokenEnc ? box.open(r.accessTokenEnc) : null,
          refreshToken: r?.refreshTokenEnc ? box.open(r.refreshTokenEnc) : null,
        };
      },
      async close() {
        await emulator.close();
        await database.close();
      },
    };
  } catch (err) {
    await emulator.close();
    await database.close();
    throw err;
  }
}

/**
 * Spawns `processes` workers (node --import tsx) against the race's database and emulator, waits
 * until each has built its token manager, then releases them together.
 */
export async function runRefreshWorkers(
  race: RefreshRace,
  opts: { mode: 'get' | 'unauthorized'; calls?: number; processes?: number },
): Promise<WorkerResult[]> {
  const connectionString = race.database.connectionString;
  if (!connectionString) throw new Error('the refresh race needs PostgreSQL');
  const children = Array.from({ length: opts.processes ?? 2 }, () =>
    spawn(process.execPath, ['--import', 'tsx', WORKER], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        DATABASE_URL: connectionString,
        ENCRYPTION_KEY: race.encryptionKey,
        AMO_API_BASE: race.emulator.url,
        AMO_CLIENT_ID: RACE_CLIENT_ID,
        AMO_CLIENT_SECRET: RACE_SECRET,
        AMO_REDIRECT_URI: RACE_REDIRECT,
        INSTALLATION_ID: String(race.installationId),
        CALLS: String(opts.calls ?? 50),
        MODE: opts.mode,
        OLD_ACCESS_TOKEN: race.original.accessToken,
      },
    }),
  );
  const outputs = children.map((child) => {
    const lines: string[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const rl = createInterface({ input: child.stdout });
    let onReady: () => void = () => {};
    const ready = new Promise<void>((r) => {
      onReady = r;
    });
    rl.on('line', (line) => {
      if (line === 'ready') onReady();
      else lines.push(line);
    });
    const done = new Promise<WorkerResult>((resolveDone, reject) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        const last = lines.at(-1);
        if (code === 0 && last) resolveDone(JSON.parse(last) as WorkerResult);
        else reject(new Error(`refresh worker exited with ${code}: ${stderr.trim() || lines.join('\n')}`));
      });
    });
    // A worker that dies before "ready" must not leave the others waiting forever.
    return { ready: Promise.race([ready, done.then(() => undefined)]), done };
  });
  try {
    await Promise.all(outputs.map((o) => o.ready));
  } catch (err) {
    for (const c of children) c.kill('SIGKILL');
    throw err;
  }
  for (const c of children) c.stdin.end('go\n');
  return Promise.all(outputs.map((o) => o.done));
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  workerMain().catch((err: unknown) => {
    process.stderr.write(`refresh-worker failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
