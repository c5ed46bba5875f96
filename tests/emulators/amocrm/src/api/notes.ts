import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { type Note, nowSeconds } from '../entities.js';
import { readBody } from '../http/body.js';
import { bracketList, parseOrIssues, timeRange } from '../http/query.js';
import { apiBase, hal, validationProblem } from '../http/responses.js';
import type { EmulatorState } from '../state.js';
import { listPage, pageQuery } from './pagination.js';
import { batch, Id } from './schemas.js';

const NOTE_TYPES = [
  'common',
  'service_message',
  'extended_service_message',
  'message_cashier',
  'geolocation',
  'sms_in',
  'sms_out',
  'attachment',
] as const;

const NoteItem = z.object({
  entity_id: Id.optional(),
  note_type: z.enum(NOTE_TYPES),
  params: z.object({ text: z.string().min(1), service: z.string().optional() }).loose(),
  created_by: z.number().int().nonnegative().optional(),
  responsible_user_id: Id.optional(),
  request_id: z.string().optional(),
});

function serialize(base: string, state: EmulatorState, note: Note) {
  return {
    id: note.id,
    entity_id: note.entityId,
    created_by: note.createdBy,
    updated_by: note.createdBy,
    created_at: note.createdAt,
    updated_at: note.updatedAt,
    responsible_user_id: note.responsibleUserId,
    group_id: 0,
    note_type: note.noteType,
    params: { ...note.params },
    account_id: state.account.id,
    _links: { self: { href: `${base}/leads/${note.entityId}/notes/${note.id}` } },
  };
}

/**
 * Lead notes: POST /leads/notes and /leads/:id/notes, GET (filter[entity_id][], filter[note_type],
 * filter[updated_at] as a timestamp or [from]/[to]: amoCRM API v4 "События и примечания",
 * https://www.amocrm.ru/developers/content/crm_platform/events-and-notes, notes list by entity type).
 */
export function noteRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  const create = async (c: Context, pathEntity?: number) => {
    const body = await readBody(c, batch(NoteItem));
    if (!body.ok) return body.response;
    const issues = body.value.flatMap((n, i) => {
      const entityId = pathEntity ?? n.entity_id;
      if (entityId === undefined)
        return [{ requestId: String(i), path: 'entity_id', detail: 'entity_id is required' }];
      if (n.note_type === 'service_message' && !n.params.service)
        return [{ requestId: String(i), path: 'params.service', detail: 'service is required' }];
      return state.leads.has(entityId)
        ? []
        : [{ requestId: String(i), path: 'entity_id', detail: 'Lead not found', code: 'NotFound' }];
    });
    if (issues.length > 0) return validationProblem(c, issues);
    const base = apiBase(c);
    const now = nowSeconds();
    const notes = body.value.map((n, i) => {
      const note: Note = {
        id: state.nextId('note'),
        entityId: (pathEntity ?? n.entity_id) as number,
        noteType: n.note_type,
        params: { ...n.params },
        createdBy: n.created_by ?? state.apiUserId,
        responsibleUserId: n.responsible_user_id ?? state.apiUserId,
        createdAt: now,
        updatedAt: now,
      };
      state.notes.set(note.id, note);
      return {
        id: note.id,
        entity_id: note.entityId,
        request_id: n.request_id ?? String(i),
        _links: { self: { href: `${base}/leads/${note.entityId}/notes/${note.id}` } },
      };
    });
    return hal(c, { _links: { self: { href: `${base}/leads/notes` } }, _embedded: { notes } });
  };

  const list = (c: Context, pathEntity?: number) => {
    const page = pageQuery(c);
    if (page instanceof Response) return page;
    const raw = bracketList(c.req.url, 'filter[entity_id]');
    const ids = raw === undefined ? undefined : parseOrIssues(z.array(z.coerce.number().int()), raw);
    if (ids && !ids.ok) return validationProblem(c, ids.issues);
    const wanted =
      pathEntity !== undefined ? new Set([pathEntity]) : ids?.ok ? new Set(ids.value) : undefined;
    const types = bracketList(c.req.url, 'filter[note_type]');
    const updated = timeRange(c.req.url, 'filter[updated_at]');
    const all = [...state.notes.values()].filter(
      (n) =>
        (!wanted || wanted.has(n.entityId)) &&
        (!types || types.includes(n.noteType)) &&
        (!updated || updated(n.updatedAt)),
    );
    return listPage(c, all, page, 'notes', (n) => serialize(apiBase(c), state, n));
  };

  app.post('/leads/notes', (c) => create(c));
  app.post('/leads/:id{[0-9]+}/notes', (c) => create(c, Number(c.req.param('id'))));
  app.get('/leads/notes', (c) => list(c));
  app.get('/leads/:id{[0-9]+}/notes', (c) => list(c, Number(c.req.param('id'))));
  return app;
}
