import { Hono } from 'hono';
import { bearerAuth } from '../auth.js';
import { type Faults, faultInjection } from '../faults.js';
import { problem } from '../http/responses.js';
import { latency } from '../latency.js';
import { accountLimits } from '../limits/rate-limit.js';
import type { EmulatorState } from '../state.js';
import { accountRoutes } from './account.js';
import { catalogsRoutes } from './catalogs.js';
import { contactRoutes } from './contacts.js';
import { entityFieldRoutes } from './entity-fields.js';
import { eventRoutes, recordLeadEvents } from './events.js';
import { leadFieldRoutes } from './lead-fields.js';
import { leadsRoutes } from './leads.js';
import { leadWriteRoutes } from './leads-write.js';
import { linkRoutes } from './links.js';
import { noteRoutes } from './notes.js';
import { pipelineRoutes } from './pipelines.js';
import { tagRoutes } from './tags.js';
import { taskRoutes } from './tasks.js';
import { userRoutes } from './users.js';
import { webhookRoutes } from './webhooks.js';

/**
 * REST API v4, mounted at /api/v4. Order: network latency, then amoCRM's front (account block,
 * rate limit), then injected faults (before any work, so a retried write lands once), then auth.
 */
export function apiRoutes(state: EmulatorState, faults: Faults): Hono {
  const app = new Hono();
  const events = recordLeadEvents(state);
  app.use('*', latency(state.config));
  app.use('*', accountLimits(state.config, state.limits));
  app.use('*', faultInjection(faults));
  app.use('*', bearerAuth(state.accessTokens, state.oauth));
  app.route('/', accountRoutes(state));
  app.route('/', leadsRoutes(state));
  app.route('/', leadWriteRoutes(state));
  app.route('/', catalogsRoutes(state));
  app.route('/', noteRoutes(state));
  app.route('/', taskRoutes(state));
  app.route('/', leadFieldRoutes(state));
  app.route('/', linkRoutes(state));
  app.route('/', tagRoutes(state));
  app.route('/', entityFieldRoutes(state));
  app.route('/', contactRoutes(state));
  app.route('/', userRoutes(state));
  app.route('/', pipelineRoutes(state));
  app.route('/', webhookRoutes(state));
  app.route('/', eventRoutes(state, events));
  app.notFound((c) => problem(c, 404, 'Not Found'));
  return app;
}
