import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { readBody } from '../http/body.js';
import { apiBase, hal, problem, type ValidationIssue, validationProblem } from '../http/responses.js';
import { snapshot } from '../leads/changes.js';
import { touchLead } from '../leads/patch.js';
import type { EmulatorState, Lead } from '../state.js';
import { batch, Id } from './schemas.js';

const LinkItem = z.object({
  entity_id: Id.optional(),
  to_entity_id: Id,
  to_entity_type: z.enum(['catalog_elements', 'contacts', 'companies']),
  metadata: z
    .object({
      quantity: z.number().positive().optional(),
      catalog_id: Id.optional(),
      price_id: Id.nullable().optional(),
      is_main: z.boolean().optional(),
    })
    .optional(),
});
type LinkItem = z.infer<typeof LinkItem>;

/**
 * POST /leads/:id/link, /leads/:id/unlink and the batch /leads/link, /leads/unlink: products
 * (catalog_elements, with quantity), contacts and companies. Linking again changes the quantity.
 * Whether amoCRM stamps updated_at and sends update_lead for link changes is UNCONFIRMED; the
 * emulator does both, so a guard must tolerate hooks caused by its own writes.
 */
export function linkRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  const check = (item: LinkItem, i: number, leadId: number | undefined): ValidationIssue[] => {
    const at = (path: string, detail: string): ValidationIssue[] => [
      { requestId: String(i), path, detail, code: 'NotFound' },
    ];
    if (leadId === undefined || !state.leads.has(leadId)) return at('entity_id', 'Lead not found');
    if (item.to_entity_type === 'contacts' && !state.contacts.has(item.to_entity_id))
      return at('to_entity_id', 'Contact not found');
    if (item.to_entity_type === 'companies' && !state.companies.has(item.to_entity_id))
      return at('to_entity_id', 'Company not found');
    if (item.to_entity_type === 'catalog_elements') {
      const el = state.elements.get(item.to_entity_id);
      if (!el) return at('to_entity_id', 'Catalog element not found');
      if (item.metadata?.catalog_id !== undefined && item.metadata.catalog_id !== el.catalogId)
        return at('metadata.catalog_id', 'Element is not in this catalog');
    }
    return [];
  };

  const linkOne = (lead: Lead, item: LinkItem, unlink: boolean) => {
    if (item.to_entity_type === 'catalog_elements') {
      const el = state.elements.get(item.to_entity_id);
      lead.products = lead.products.filter((p) => p.elementId !== item.to_entity_id);
      if (!unlink && el) {
        lead.products.push({
          elementId: el.id,
          catalogId: el.catalogId,
          quantity: item.metadata?.quantity ?? 1,
          priceId: item.metadata?.price_id ?? null,
        });
      }
    } else if (item.to_entity_type === 'contacts') {
      lead.contactIds = lead.contactIds.filter((id) => id !== item.to_entity_id);
      if (!unlink) {
        if (item.metadata?.is_main) lead.contactIds.unshift(item.to_entity_id);
        else lead.contactIds.push(item.to_entity_id);
      }
    } else {
      lead.companyId = unlink
        ? lead.companyId === item.to_entity_id
          ? null
          : lead.companyId
        : item.to_entity_id;
    }
  };

  const handle = async (c: Context, unlink: boolean, pathLead?: number) => {
    const body = await readBody(c, batch(LinkItem));
    if (!body.ok) return body.response;
    if (pathLead !== undefined && !state.leads.has(pathLead))
      return problem(c, 404, `Lead ${pathLead} not found`);
    const issues = body.value.flatMap((item, i) => check(item, i, pathLead ?? item.entity_id));
    if (issues.length > 0) return validationProblem(c, issues);
    const touched = new Map<number, { lead: Lead; old: Lead }>();
    for (const item of body.value) {
      const lead = state.leads.get((pathLead ?? item.entity_id) as number) as Lead;
      if (!touched.has(lead.id)) touched.set(lead.id, { lead, old: snapshot(lead) });
      linkOne(lead, item, unlink);
    }
    const changes = [...touched.values()].map(({ lead, old }) => {
      touchLead(lead, state.apiUserId);
      return {
        action: 'update' as const,
        lead: snapshot(lead),
        old: { statusId: old.statusId, pipelineId: old.pipelineId, responsibleUserId: old.responsibleUserId },
        userId: state.apiUserId,
        source: 'api' as const,
      };
    });
    state.emitLeadChanges(changes);
    if (unlink) return c.body(null, 204);
    const links = body.value.map((item) => ({
      entity_id: pathLead ?? item.entity_id,
      entity_type: 'leads',
      to_entity_id: item.to_entity_id,
      to_entity_type: item.to_entity_type,
      metadata: item.metadata ?? null,
    }));
    return hal(c, {
      _total_items: links.length,
      _links: { self: { href: `${apiBase(c)}/leads/link` } },
      _embedded: { links },
    });
  };

  app.post('/leads/:id{[0-9]+}/link', (c) => handle(c, false, Number(c.req.param('id'))));
  app.post('/leads/:id{[0-9]+}/unlink', (c) => handle(c, true, Number(c.req.param('id'))));
  app.post('/leads/link', (c) => handle(c, false));
  app.post('/leads/unlink', (c) => handle(c, true));
  return app;
}
