import { Hono } from 'hono';
import { HttpProblem } from '../problem.js';

export interface HealthDeps {
  pingDatabase(): Promise<void>;
}

/** Liveness says the process answers; readiness says it can do its work (database reachable). */
export function healthRoutes(deps: HealthDeps) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      try {
        await deps.pingDatabase();
      } catch (err) {
        throw new HttpProblem(503, 'internal', 'Not ready', `database: ${(err as Error).message}`);
      }
      return c.json({ status: 'ready', checks: { database: 'ok' } });
    });
}
