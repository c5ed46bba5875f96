import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { bracketList, parseOrIssues } from '../http/query.js';
import { apiBase, emptyList, hal, problem, validationProblem } from '../http/responses.js';
import type { EmulatorState, Lead } from '../state.js';
import { PageQuery, pageLinks, paginate } from './pagination.js';

const LeadId = z.coerce.number().int().positive();

/** `with=catalog_elements,contacts` as a set of names. */
function withSet(c: Context): Set<string> {
  return new Set((c.req.query('with') ?? '').split(',').map((s) => s.trim()));
}

export function serializeLead(base: string, accountId: number, lead: Lead, include: Set<string>) {
  const embedded: Record<string, unknown> = {
    tags: lead.tags.map((t) => ({ id: t.id, name: t.name, color: null })),
    companies: [],
  };
  if (include.has('contacts')) {
    embedded.contacts = lead.contactIds.map((id, i) => ({
      id,
      is_main: i === 0,
      _links: { self: { href: `${base}/contacts/${id}` } },
    }));
  }
  if (include.has('catalog_elements')) {
    embedded.catalog_elements = lead.products.map((p) => ({
      id: p.elementId,
      metadata: {
        quantity: p.quantity,
        catalog_id: p.catalogId,
        ...(p.priceId === null ? {} : { price_id: p.priceId }),
      },
    }));
  }
  return {
    id: lead.id,
    name: lead.name,
    price: lead.price,
    responsible_user_id: lead.responsibleUserId,
    group_id: 0,
    status_id: lead.statusId,
    pipeline_id: lead.pipelineId,
    loss_reason_id: null,
    created_by: lead.responsibleUserId,
    updated_by: lead.responsibleUserId,
    created_at: lead.createdAt,
    updated_at: lead.updatedAt,
    closed_at: null,
    closest_task_at: null,
    is_deleted: false,
    custom_fields_values: null,
    score: null,
    account_id: accountId,
    labor_cost: null,
    _links: { self: { href: `${base}/leads/${lead.id}` } },
    _embedded: embedded,
  };
}

export function leadsRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  app.get('/leads', (c) => {
    const page = parseOrIssues(PageQuery, c.req.query());
    if (!page.ok) return validationProblem(c, page.issues);
    const ids = bracketList(c.req.url, 'filter[id]');
    const parsedIds = ids === undefined ? undefined : parseOrIssues(z.array(LeadId), ids);
    if (parsedIds && !parsedIds.ok) return validationProblem(c, parsedIds.issues);
    const wanted = parsedIds?.ok ? new Set(parsedIds.value) : undefined;
    const all = [...state.leads.values()].filter((l) => !wanted || wanted.has(l.id));
    const { items, hasNext } = paginate(all, page.value);
    if (items.length === 0) return emptyList(c);
    const include = withSet(c);
    return hal(c, {
      _page: page.value.page,
      _links: pageLinks(c, page.value, hasNext),
      _embedded: { leads: items.map((l) => serializeLead(apiBase(c), state.account.id, l, include)) },
    });
  });

  app.get('/leads/:id', (c) => {
    const id = LeadId.safeParse(c.req.param('id'));
    if (!id.success) return problem(c, 404, 'Not Found');
    const lead = state.leads.get(id.data);
    if (!lead) return problem(c, 404, `Lead ${id.data} not found`);
    return hal(c, serializeLead(apiBase(c), state.account.id, lead, withSet(c)));
  });

  return app;
}
