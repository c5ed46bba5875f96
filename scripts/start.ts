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
  // Since the process began: node's own start and loading the modules (the bundle and its packages).
  const bootMs = Math.round(startedAt);
  log.debug({ phase: 'modules', ms: bootMs, atMs: bootMs }, 'startup');
  // The port opens before the start is complete: a signal that comes meanwhile stops it once started.
  const started = (async (): Promise<() => Promise<void>> => {
    if (config.demo) {
      // Loaded only in demo mode: production never loads the emulator.
      const { startDemo } = await import('./demo.js');
      const demo = await startDemo(config, { emulatorPort: Number(process.env.EMULATOR_PORT ?? 8788) });
      log.info({ ms: Math.round(performance.now() - startedAt), bootMs }, 'demo ready');
      console.log(
        `\n  erp-bridge demo is running.\n  Open the amoCRM sandbox: ${demo.sandboxUrl}\n  Backend: ${config.publicUrl.origin}\n`,
      );
      return demo.close;
    }
    const server = await startServer(config, { log });
    // Nothing can be served without the database: exit, and the supervisor (systemd, Docker)
    // starts a fresh process. What was acknowledged is committed already.
    void server.lost.then((err) => {
      log.fatal({ err }, 'the embedded database failed; exiting');
      process.exit(1);
    });
    log.info({ ms: Math.round(performance.now() - startedAt), bootMs, role: config.role }, 'ready');
    return server.close;
  })();
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
    started
      .then((close) => close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'stop failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  await started;
}

main().catch((err) => {
  console.error(
    err instanceof ConfigError ? err.message : `erp-bridge failed to start: ${(err as Error).message}`,
  );
  process.exit(1);
});
