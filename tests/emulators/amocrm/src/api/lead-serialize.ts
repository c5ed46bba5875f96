import type { EmulatorState, Lead } from '../state.js';
import { labelledValues } from './field-values.js';

/** Lead field values carry the field's name, code and type beside its id, as amoCRM returns them. */
export function serializeLeadValues(state: EmulatorState, lead: Lead) {
  if (lead.customFieldsValues.length === 0) return null;
  return labelledValues(lead.customFieldsValues, (id) => state.leadFields.get(id));
}

export function serializeLead(base: string, state: EmulatorState, lead: Lead, include: Set<string>) {
  const embedded: Record<string, unknown> = {
    tags: lead.tags.map((t) => ({ id: t.id, name: t.name, color: state.tags.get(t.id)?.color ?? null })),
    companies:
      lead.companyId === null
        ? []
        : [{ id: lead.companyId, _links: { self: { href: `${base}/companies/${lead.companyId}` } } }],
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
  const closed = lead.statusId === 142 || lead.statusId === 143;
  return {
    id: lead.id,
    name: lead.name,
    price: lead.price,
    responsible_user_id: lead.responsibleUserId,
    group_id: 0,
    status_id: lead.statusId,
    pipeline_id: lead.pipelineId,
    loss_reason_id: null,
    created_by: lead.createdBy,
    updated_by: lead.updatedBy,
    created_at: lead.createdAt,
    updated_at: lead.updatedAt,
    closed_at: closed ? lead.updatedAt : null,
    closest_task_at: null,
    is_deleted: false,
    custom_fields_values: serializeLeadValues(state, lead),
    score: null,
    account_id: state.account.id,
    labor_cost: null,
    _links: { self: { href: `${base}/leads/${lead.id}` } },
    _embedded: embedded,
  };
}
