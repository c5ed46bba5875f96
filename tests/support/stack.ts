import { randomBytes } from 'node:crypto';
import { type AmoEmulatorOptions, startAmoEmulator } from '@erp-bridge/emulator-amocrm';
import {
  type EventHandler,
  type Logger,
  loadConfig,
  type RunningServer,
  startServer,
} from '@erp-bridge/server';
import { freePort } from './ports.js';

export const TEST_SECRET = 'integration-client-secret-0123456789';

export interface Stack {
  server: RunningServer;
  emulator: Awaited<ReturnType<typeof startAmoEmulator>>;
  backend: string;
  accessToken: string;
  close(): Promise<void>;
}

/**
 * The backend wired to a fresh amoCRM emulator as a private integration (long-lived token), on an
 * embedded in-memory database unless databaseUrl is given.
 */
export async function startStack(
  opts: {
    databaseUrl?: string;
    emulator?: Partial<AmoEmulatorOptions>;
    env?: Record<string, string>;
    eventHandlers?: EventHandler[];
    /** Install through OAuth (client id + secret) instead of a long-lived token. */
    oauth?: boolean;
    log?: Logger;
  } = {},
): Promise<Stack> {
  const port = await freePort();
  const backend = `http://127.0.0.1:${port}`;
  const accessToken = randomBytes(16).toString('hex');
  const emulator = await startAmoEmulator({
    port: 0,
    clientSecret: TEST_SECRET,
    backendUrl: backend,
    widgetDir: 'widget/dist/widget',
    accessToken,
    ...opts.emulator,
  });
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: backend,
    DATA_DIR: 'memory://',
    AMO_CLIENT_SECRET: TEST_SECRET,
    AMO_API_BASE: emulator.url,
    ...(opts.oauth
      ? {
          AMO_CLIENT_ID: 'demo-client-id',
          AMO_REDIRECT_URI: `${backend}/oauth/callback`,
          ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        }
      : { AMO_LONG_LIVED_TOKEN: accessToken, AMO_SUBDOMAIN: 'erpbridgedemo' }),
    LOG_LEVEL: 'silent',
    ...(opts.databaseUrl && { DATABASE_URL: opts.databaseUrl }),
    ...opts.env,
  });
  const server = await startServer(config, { eventHandlers: opts.eventHandlers, log: opts.log });
  return {
    server,
    emulator,
    backend,
    accessToken,
    async close() {
      await server.close();
      await emulator.close();
    },
  };
}
