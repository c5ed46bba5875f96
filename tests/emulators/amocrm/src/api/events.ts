import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { bracketList, parseOrIssues } from '../http/query.js';
import { apiBase, validationProblem } from '../http/responses.js';
import { statusChanged } from '../leads/changes.js';
import type { EmulatorState } from '../state.js';
import { listPage } from './pagination.js';

/**
 * GET /api/v4/events, amoCRM's event log ("События и примечания",
 * https://www.amocrm.ru/developers/content/crm_platform/events-and-notes; Kommo "Events list",
 * https://developers.kommo.com/reference/events-list, and "Events filtration",
 * https://developers.kommo.com/reference/events-filtration). Only lead events are kept here:
 * `lead_added` and `lead_status_changed`, the latter with
 * `value_before` / `value_after` = `[{lead_status: {id, pipeline_id}}]`. Newest first; `limit` at
 * most 100; filters `filter[id]`, `filter[type]`, `filter[entity]`, `filter[entity_id]` (with one
 * entity), `filter[created_by]`, `filter[created_at]` (a timestamp or [from]/[to]).
 */
export interface AmoEvent {
  id: string;
  type: 'lead_added' | 'lead_status_changed';
  entityId: number;
  createdBy: number;
  createdAt: number;
  before: { statusId: number; pipelineId: number } | null;
  after: { statusId: number; pipelineId: number } | null;
}

const EVENTS_MAX_LIMIT = 100;
const EventsPage = z.object({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(EVENTS_MAX_LIMIT).default(EVENTS_MAX_LIMIT),
});

/** Records every lead addition and stage change as amoCRM's event log would. */
export function recordLeadEvents(state: EmulatorState): AmoEvent[] {
  const log: AmoEvent[] = [];
  state.leadListeners.add((batch) => {
    for (const change of batch) {
      const stage = { statusId: change.lead.statusId, pipelineId: change.lead.pipelineId };
      const base = { entityId: change.lead.id, createdBy: change.userId, createdAt: change.lead.updatedAt };
      if (change.action === 'add')
        log.push({
          id: randomBytes(8).toString('hex'),
          type: 'lead_added',
          ...base,
          before: null,
          after: null,
        });
      else if (statusChanged(change))
        log.push({
          id: randomBytes(8).toString('hex'),
          type: 'lead_status_changed',
          ...base,
          before: { statusId: change.old.statusId, pipelineId: change.old.pipelineId },
          after: stage,
        });
    }
  });
  return log;
}

const leadStatus = (s: AmoEvent['before']) =>
  s ? [{ lead_status: { id: s.statusId, pipeline_id: s.pipelineId } }] : [];

function range(url: string, name: string): { from?: number; to?: number } | undefined {
  const p = new URL(url).searchParams;
  const exact = p.get(name);
  const from = p.get(`${name}[from]`);
  const to = p.get(`${name}[to]`);
  if (exact === null && from === null && to === null) return undefined;
  if (exact !== null) return { from: Number(exact), to: Number(exact) };
  return { ...(from !== null && { from: Number(from) }), ...(to !== null && { to: Number(to) }) };
}

export function eventRoutes(state: EmulatorState, log: AmoEvent[]): Hono {
  const app = new Hono();
  app.get('/events', (c) => {
    const page = parseOrIssues(EventsPage, c.req.query());
    if (!page.ok) return validationProblem(c, page.issues);
    const ids = bracketList(c.req.url, 'filter[id]');
    const types = bracketList(c.req.url, 'filter[type]');
    const entities = bracketList(c.req.url, 'filter[entity]');
    const entityIds = bracketList(c.req.url, 'filter[entity_id]');
    const authors = bracketList(c.req.url, 'filter[created_by]')?.map(Number);
    if (entityIds && entities?.length !== 1)
      return validationProblem(c, [
        { path: 'filter.entity_id', detail: 'filter[entity] with one entity is required' },
      ]);
    const created = range(c.req.url, 'filter[created_at]');
    const wantedIds = entityIds?.map(Number);
    const all = log
      .filter(
        (e) =>
          (!ids || ids.includes(e.id)) &&
          (!types || types.includes(e.type)) &&
          (!entities || entities.includes('lead')) &&
          (!wantedIds || wantedIds.includes(e.entityId)) &&
          (!authors || authors.includes(e.createdBy)) &&
          (!created ||
            ((created.from === undefined || e.createdAt >= created.from) &&
              (created.to === undefined || e.createdAt <= created.to))),
      )
      .reverse();
    const base = apiBase(c);
    return listPage(c, all, page.value, 'events', (e) => ({
      id: e.id,
      type: e.type,
      entity_id: e.entityId,
      entity_type: 'lead',
      created_by: e.createdBy,
      created_at: e.createdAt,
      value_after: leadStatus(e.after),
      value_before: leadStatus(e.before),
      account_id: state.account.id,
      _links: { self: { href: `${base}/events/${e.id}` } },
      _embedded: {
        entity: { id: e.entityId, _links: { self: { href: `${base}/leads/${e.entityId}` } } },
      },
    }));
  });
  return app;
}
