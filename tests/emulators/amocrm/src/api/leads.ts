import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { bracketList, parseOrIssues } from '../http/query.js';
import { apiBase, hal, problem, validationProblem } from '../http/responses.js';
import type { EmulatorState } from '../state.js';
import { serializeLead } from './lead-serialize.js';
import { listPage, pageQuery } from './pagination.js';

export { serializeLead } from './lead-serialize.js';

const LeadId = z.coerce.number().int().positive();
const Seconds = z.coerce.number().int().nonnegative().optional();

const ListQuery = z.object({
  'filter[updated_at][from]': Seconds,
  'filter[updated_at][to]': Seconds,
  'filter[created_at][from]': Seconds,
  'filter[created_at][to]': Seconds,
  'order[updated_at]': z.enum(['asc', 'desc']).optional(),
  'order[created_at]': z.enum(['asc', 'desc']).optional(),
  'order[id]': z.enum(['asc', 'desc']).optional(),
});

/** `with=catalog_elements,contacts` as a set of names. */
function withSet(c: Context): Set<string> {
  return new Set((c.req.query('with') ?? '').split(',').map((s) => s.trim()));
}

/** Reads: the list (filters by id, pipeline, status, time windows; ordering; pages) and one lead. */
export function leadsRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  app.get('/leads', (c) => {
    const page = pageQuery(c);
    if (page instanceof Response) return page;
    const q = parseOrIssues(ListQuery, c.req.query());
    if (!q.ok) return validationProblem(c, q.issues);
    const idList = (name: string) => {
      const raw = bracketList(c.req.url, name);
      return raw === undefined ? undefined : parseOrIssues(z.array(LeadId), raw);
    };
    const ids = idList('filter[id]');
    const statuses = idList('filter[statuses][0][status_id]') ?? idList('filter[status_id]');
    const pipelines = idList('filter[pipeline_id]');
    for (const parsed of [ids, statuses, pipelines])
      if (parsed && !parsed.ok) return validationProblem(c, parsed.issues);
    const set = (p: typeof ids) => (p?.ok ? new Set(p.value) : undefined);
    const [wanted, wantedStatus, wantedPipeline] = [set(ids), set(statuses), set(pipelines)];
    const f = q.value;
    const within = (v: number, from?: number, to?: number) =>
      (from === undefined || v >= from) && (to === undefined || v <= to);

    const all = [...state.leads.values()].filter(
      (l) =>
        (!wanted || wanted.has(l.id)) &&
        (!wantedStatus || wantedStatus.has(l.statusId)) &&
        (!wantedPipeline || wantedPipeline.has(l.pipelineId)) &&
        within(l.updatedAt, f['filter[updated_at][from]'], f['filter[updated_at][to]']) &&
        within(l.createdAt, f['filter[created_at][from]'], f['filter[created_at][to]']),
    );
    const [key, dir] = f['order[updated_at]']
      ? (['updatedAt', f['order[updated_at]']] as const)
      : f['order[created_at]']
        ? (['createdAt', f['order[created_at]']] as const)
        : (['id', f['order[id]'] ?? 'asc'] as const);
    all.sort((a, b) => (a[key] - b[key] || a.id - b.id) * (dir === 'asc' ? 1 : -1));

    const include = withSet(c);
    return listPage(c, all, page, 'leads', (l) => serializeLead(apiBase(c), state, l, include));
  });

  app.get('/leads/:id{[0-9]+}', (c) => {
    const id = LeadId.safeParse(c.req.param('id'));
    if (!id.success) return problem(c, 404, 'Not Found');
    const lead = state.leads.get(id.data);
    if (!lead) return problem(c, 404, `Lead ${id.data} not found`);
    return hal(c, serializeLead(apiBase(c), state, lead, withSet(c)));
  });

  return app;
}
