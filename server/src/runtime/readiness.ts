import { amocrmReadiness } from '../amocrm/readiness.js';
import { databaseReadiness } from '../db/readiness.js';
import type { CoreServices } from './services.js';

/**
 * /readyz: the database answers, which amoCRM accounts are blocked, the webhook backlog (each
 * check from its capability); and not ready while the process drains (a load balancer stops
 * sending before the port closes), nor while it starts: the port opens before the queue and the
 * jobs are up (runtime.ts).
 */
export function readinessCheck(
  s: CoreServices,
  draining: () => boolean,
  starting: () => boolean = () => false,
) {
  return async (): Promise<{ ready: boolean; checks: Record<string, unknown> }> => {
    if (draining()) return { ready: false, checks: { shutdown: 'draining' } };
    if (starting()) return { ready: false, checks: { startup: 'starting' } };
    const database = await databaseReadiness(s.database);
    if (!database.ready) return { ready: false, checks: { database: database.check } };
    return {
      ready: true,
      checks: {
        database: database.check,
        amocrm: await amocrmReadiness(s.installations),
        webhooks: await s.inbox.counts(),
      },
    };
  };
}
