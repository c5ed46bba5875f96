import { ConfigError, createLogger, loadConfig, startServer } from '@erp-bridge/server';
import { makePgliteTemplate } from './pglite-template.js';

/**
 * `pnpm start` / `pnpm start:prod` (node server/dist/start.js): the backend in its ROLE, plus the
 * amoCRM emulator and sandbox when no AMO_CLIENT_ID is set (demo). SIGTERM / SIGINT stop it
 * gracefully: readiness 503, requests and jobs in flight finish within SHUTDOWN_GRACE_SECONDS,
 * exit 0.
 */
async function main() {
  if (process.argv.includes('--make-pglite-template')) return makePgliteTemplate();
  const startedAt = performance.now();
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  let close: () => Promise<void>;
  if (config.demo) {
    // Loaded only in demo mode: production never loads the emulator.
    const { startDemo } = await import('./demo.js');
    const demo = await startDemo(config, { emulatorPort: Number(process.env.EMULATOR_PORT ?? 8788) });
    close = demo.close;
    log.info({ ms: Math.round(performance.now() - startedAt) }, 'demo ready');
    console.log(
      `\n  erp-bridge demo is running.\n  Open the amoCRM sandbox: ${demo.sandboxUrl}\n  Backend: ${config.publicUrl.origin}\n`,
    );
  } else {
    close = (await startServer(config, { log })).close;
    log.info({ ms: Math.round(performance.now() - startedAt), role: config.role }, 'ready');
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, graceMs: config.shutdownGraceMs }, 'stopping');
    // The bound: whatever still hangs after the grace period (plus the database close) is cut.
    setTimeout(
      () => {
        log.error('graceful stop took too long; exiting');
        process.exit(1);
      },
      config.shutdownGraceMs * 2 + 5000,
    ).unref();
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error(
    err instanceof ConfigError ? err.message : `erp-bridge failed to start: ${(err as Error).message}`,
  );
  process.exit(1);
});
