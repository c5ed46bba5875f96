import { Hono } from 'hono';
import { bearerAuth } from '../auth.js';
import { problem } from '../http/responses.js';
import { latency } from '../latency.js';
import type { EmulatorState } from '../state.js';
import { accountRoutes } from './account.js';
import { catalogsRoutes } from './catalogs.js';
import { leadsRoutes } from './leads.js';

/** REST API v4, mounted at /api/v4. Latency comes before auth: the real network delay precedes any answer. */
export function apiRoutes(state: EmulatorState): Hono {
  const app = new Hono();
  app.use('*', latency(state.config));
  app.use('*', bearerAuth(state.accessTokens));
  app.route('/', accountRoutes(state));
  app.route('/', leadsRoutes(state));
  app.route('/', catalogsRoutes(state));
  app.notFound((c) => problem(c, 404, 'Not Found'));
  return app;
}
