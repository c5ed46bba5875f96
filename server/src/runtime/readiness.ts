import type { CoreServices } from './services.js';

/**
 * /readyz: the database answers, which amoCRM accounts are blocked, the webhook backlog; and
 * not ready while the process drains (a load balancer stops sending before the port closes), nor
 * while it starts: the port opens before the queue and the jobs are up (runtime.ts).
 */
export function readinessCheck(
  s: CoreServices,
  draining: () => boolean,
  starting: () => boolean = () => false,
) {
  return async (): Promise<{ ready: boolean; checks: Record<string, unknown> }> => {
    const checks: Record<string, unknown> = {};
    if (draining()) return { ready: false, checks: { shutdown: 'draining' } };
    if (starting()) return { ready: false, checks: { startup: 'starting' } };
    let ready = true;
    try {
      await s.database.ping();
      checks.database = { status: 'ok', kind: s.database.kind };
    } catch (err) {
      ready = false;
      checks.database = { status: 'down', detail: (err as Error).message };
    }
    if (ready) {
      const blocked = (await s.installations.listActive()).filter(
        (i) => i.circuitOpenUntil && i.circuitOpenUntil > new Date(),
      );
      checks.amocrm = blocked.length
        ? {
            status: 'degraded',
            blockedAccounts: blocked.map((i) => ({
              accountId: i.accountId,
              until: i.circuitOpenUntil,
              reason: i.circuitReason,
            })),
          }
        : { status: 'ok' };
      checks.webhooks = await s.inbox.counts();
    }
    return { ready, checks };
  };
}
