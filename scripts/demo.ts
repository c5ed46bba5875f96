import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_ACCOUNT, startAmoEmulator } from '@erp-bridge/emulator-amocrm';
import { type Config, createLogger, type RunningServer, startServer } from '@erp-bridge/server';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WIDGET_DIR = join(root, 'widget/dist/widget');

export interface Demo {
  server: RunningServer;
  emulator: Awaited<ReturnType<typeof startAmoEmulator>>;
  sandboxUrl: string;
  close(): Promise<void>;
}

/**
 * Demo mode: the amoCRM emulator (API + /sandbox card page) next to the backend, wired as a
 * private integration with a long-lived token. Composed here so the server never imports test code.
 */
export async function startDemo(config: Config, opts: { emulatorPort?: number } = {}): Promise<Demo> {
  if (!existsSync(join(WIDGET_DIR, 'script.js'))) {
    throw new Error(`the widget is not built (${WIDGET_DIR} missing): run pnpm build`);
  }
  const log = createLogger(config.logLevel);
  const accessToken = randomBytes(24).toString('base64url');
  const emulator = await startAmoEmulator({
    port: opts.emulatorPort ?? 0,
    host: '127.0.0.1',
    clientSecret: config.amo.clientSecret,
    backendUrl: config.publicUrl.origin,
    widgetDir: WIDGET_DIR,
    accessToken,
  });
  const emulatorPort = new URL(emulator.url).port;
  // The sandbox page may be opened as localhost or 127.0.0.1; CORS must allow exactly those origins.
  const sandboxOrigins = [`http://127.0.0.1:${emulatorPort}`, `http://localhost:${emulatorPort}`];
  const server = await startServer(
    {
      ...config,
      amo: { ...config.amo, apiBase: emulator.url, longLivedToken: accessToken },
      corsExtraOrigins: [...config.corsExtraOrigins, ...sandboxOrigins],
    },
    { log },
  );
  await enableDemoGuard(server);
  return {
    server,
    emulator,
    sandboxUrl: `http://localhost:${emulatorPort}/sandbox`,
    async close() {
      await server.close();
      await emulator.close();
    },
  };
}

/** The demo shows the guard at work: deals entering "Счёт выставлен" need their stock. */
async function enableDemoGuard(server: RunningServer) {
  const settings = server.services.accountSettings;
  const current = await settings.get(DEMO_ACCOUNT.id);
  // New installations have the guard on (flag only) by default; the demo adds the gated stage
  // unless stages were chosen already or the guard was switched off.
  if (current.guard.gatedStages.length || !current.guard.enabled) return;
  await settings.update(DEMO_ACCOUNT.id, {
    guard: {
      enabled: true,
      gatedStages: [{ pipelineId: DEMO_ACCOUNT.pipelineId, statusId: INVOICED_STATUS }],
      action: { type: 'move_back' },
    },
  });
}

const INVOICED_STATUS = 80013;
