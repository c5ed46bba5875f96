import { ConfigError, createLogger, loadConfig, startServer } from '@erp-bridge/server';
import { startDemo } from './demo.js';

/** `pnpm start`: the backend, plus the amoCRM emulator and sandbox when no AMO_CLIENT_ID is set. */
async function main() {
  const startedAt = performance.now();
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  let close: () => Promise<void>;
  if (config.demo) {
    const demo = await startDemo(config, { emulatorPort: Number(process.env.EMULATOR_PORT ?? 8788) });
    close = demo.close;
    log.info({ ms: Math.round(performance.now() - startedAt) }, 'demo ready');
    console.log(
      `\n  erp-bridge demo is running.\n  Open the amoCRM sandbox: ${demo.sandboxUrl}\n  Backend: ${config.publicUrl.origin}\n`,
    );
  } else {
    close = (await startServer(config, { log })).close;
  }
  const stop = () => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(
    err instanceof ConfigError ? err.message : `erp-bridge failed to start: ${(err as Error).message}`,
  );
  process.exit(1);
});
