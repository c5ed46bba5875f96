import { randomBytes } from 'node:crypto';
import { type AmoEmulatorOptions, startAmoEmulator } from '@erp-bridge/emulator-amocrm';
import { type Logger, loadConfig, type RunningServer, startServer } from '@erp-bridge/server';
import { freePort } from './ports.js';
import { TEST_SECRET } from './stack.js';

export type Emulator = Awaited<ReturnType<typeof startAmoEmulator>>;

export interface AccountSpec {
  accountId: number;
  subdomain: string;
}

export interface MultiAccountStack {
  server: RunningServer;
  backend: string;
  /** One amoCRM emulator per account, by subdomain. */
  accounts: Map<string, Emulator & AccountSpec>;
  /** Installs an account the way amoCRM does: the OAuth callback with a fresh code. */
  install(subdomain: string, query?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * One backend serving several amoCRM accounts as a public (OAuth) integration. Each account is its
 * own emulator; no AMO_API_BASE, so the backend addresses https://<subdomain>.amocrm.ru as in
 * production, and an injected fetch delivers those requests to that account's emulator.
 */
export async function startAccounts(
  specs: AccountSpec[],
  opts: { env?: Record<string, string>; emulator?: Partial<AmoEmulatorOptions>; log?: Logger } = {},
): Promise<MultiAccountStack> {
  const port = await freePort();
  const backend = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, Emulator & AccountSpec>();
  for (const spec of specs) {
    const emulator = await startAmoEmulator({
      port: 0,
      clientSecret: TEST_SECRET,
      backendUrl: backend,
      widgetDir: 'widget/dist/widget',
      accessToken: randomBytes(16).toString('hex'),
      rateLimitPerSecond: 0,
      ...opts.emulator,
      ...spec,
    });
    accounts.set(spec.subdomain, Object.assign(emulator, spec));
  }
  const routed: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const match = /^([a-z0-9-]+)\.(amocrm\.ru|amocrm\.com|kommo\.com)$/.exec(url.hostname);
    const target = match ? accounts.get(match[1] ?? '') : undefined;
    if (!target) return fetch(input, init);
    return fetch(`${target.url}${url.pathname}${url.search}`, init);
  };
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: backend,
    DATA_DIR: 'memory://',
    AMO_CLIENT_ID: 'demo-client-id',
    AMO_CLIENT_SECRET: TEST_SECRET,
    AMO_REDIRECT_URI: `${backend}/oauth/callback`,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const server = await startServer(config, { fetch: routed, log: opts.log });
  return {
    server,
    backend,
    accounts,
    async install(subdomain, query = {}) {
      const emulator = accounts.get(subdomain);
      if (!emulator) throw new Error(`no account ${subdomain}`);
      const params = new URLSearchParams({
        code: emulator.state.issueAuthCode(),
        referer: `${subdomain}.amocrm.ru`,
        ...query,
      });
      return fetch(`${backend}/oauth/callback?${params}`);
    },
    async close() {
      await server.close();
      for (const emulator of accounts.values()) await emulator.close();
    },
  };
}
