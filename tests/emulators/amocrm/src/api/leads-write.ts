import { type Context, Hono } from 'hono';
import { itemIssues, readBody } from '../http/body.js';
import { apiBase, hal, problem, type ValidationIssue, validationProblem } from '../http/responses.js';
import type { LeadChange } from '../leads/changes.js';
import { prepareLeadCreate } from '../leads/create.js';
import { type PatchContext, prepareLeadPatch } from '../leads/patch.js';
import type { EmulatorState } from '../state.js';
import { batch, LeadCreateItem, LeadPatchBody, LeadPatchItem } from './schemas.js';

/**
 * Lead writes: PATCH /leads/:id, PATCH /leads (batch), POST /leads (batch). A batch is validated
 * whole before any lead changes; the changes of one request reach webhooks as one batch.
 */
export function leadWriteRoutes(state: EmulatorState): Hono {
  const app = new Hono();
  const ctx = (): PatchContext => ({
    userId: state.apiUserId,
    source: 'api',
    enforceRequired: state.config.apiHonoursRequiredStatuses,
  });
  const ref = (base: string, id: number, updatedAt: number) => ({
    id,
    updated_at: updatedAt,
    _links: { self: { href: `${base}/leads/${id}` } },
  });
  /** A batch that validated whole: every change applied, one webhook batch, one answer. */
  const commit = (
    c: Context,
    appliers: (() => LeadChange)[],
    present: (base: string, change: LeadChange, index: number) => unknown,
  ) => {
    const changes = appliers.map((apply) => apply());
    state.emitLeadChanges(changes);
    const base = apiBase(c);
    return hal(c, {
      _links: { self: { href: `${base}/leads` } },
      _embedded: { leads: changes.map((ch, i) => present(base, ch, i)) },
    });
  };

  app.patch('/leads/:id{[0-9]+}', async (c) => {
    const body = await readBody(c, LeadPatchBody);
    if (!body.ok) return body.response;
    const lead = state.leads.get(Number(c.req.param('id')));
    // UNCONFIRMED: amoCRM's exact answer for PATCH of a missing lead; 404 problem here.
    if (!lead) return problem(c, 404, `Lead ${c.req.param('id')} not found`);
    const prepared = prepareLeadPatch(state, lead, body.value, ctx());
    if (!prepared.ok) return validationProblem(c, itemIssues(0, prepared.errors));
    const change = prepared.apply();
    state.emitLeadChanges([change]);
    return hal(c, ref(apiBase(c), lead.id, lead.updatedAt));
  });

  app.patch('/leads', async (c) => {
    const body = await readBody(c, batch(LeadPatchItem));
    if (!body.ok) return body.response;
    const issues: ValidationIssue[] = [];
    const appliers: (() => LeadChange)[] = [];
    for (const [i, item] of body.value.entries()) {
      const lead = state.leads.get(item.id);
      const prepared = lead
        ? prepareLeadPatch(state, lead, item, ctx())
        : ({ ok: false, errors: [{ code: 'NotFound', path: 'id', detail: 'Lead not found' }] } as const);
      if (prepared.ok) appliers.push(prepared.apply);
      else issues.push(...itemIssues(i, [...prepared.errors]));
    }
    if (issues.length > 0) return validationProblem(c, issues);
    return commit(c, appliers, (base, ch) => ref(base, ch.lead.id, ch.lead.updatedAt));
  });

  app.post('/leads', async (c) => {
    const body = await readBody(c, batch(LeadCreateItem));
    if (!body.ok) return body.response;
    const issues: ValidationIssue[] = [];
    const appliers: (() => LeadChange)[] = [];
    body.value.forEach((item, i) => {
      const prepared = prepareLeadCreate(state, item, ctx());
      if (prepared.ok) appliers.push(prepared.apply);
      else issues.push(...itemIssues(i, prepared.errors));
    });
    if (issues.length > 0) return validationProblem(c, issues);
    return commit(c, appliers, (base, ch, i) => ({
      id: ch.lead.id,
      request_id: body.value[i]?.request_id ?? String(i),
      _links: { self: { href: `${base}/leads/${ch.lead.id}` } },
    }));
  });

  return app;
}
