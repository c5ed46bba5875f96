import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Jobs } from './jobs.js';
import type { Listening } from './listen.js';
import type { CoreServices } from './services.js';

/** Where the process is: /readyz answers 200 only while `ready`. */
export interface Lifecycle {
  state: 'starting' | 'ready' | 'draining';
}

/**
 * The graceful stop, once however often it is called: readiness turns 503 (`draining`), no new
 * connections, requests and jobs in flight finish (each within config.shutdownGraceMs), then the
 * database closes.
 */
export function gracefulStop(parts: {
  http: Listening;
  jobs: Jobs;
  s: CoreServices;
  config: Config;
  log: Logger;
  life: Lifecycle;
}): () => Promise<void> {
  const { http, jobs, s, config, log } = parts;
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      parts.life.state = 'draining';
      const started = performance.now();
      await http.close(config.shutdownGraceMs);
      jobs.stop();
      // The journal's last batch is written before the database closes.
      await s.operator.journalWriter.close();
      await s.queue.stop(Math.max(1000, config.shutdownGraceMs - (performance.now() - started)));
      await s.database.close();
      log.info({ ms: Math.round(performance.now() - started), role: config.role }, 'erp-bridge stopped');
    })();
    return closing;
  };
}
