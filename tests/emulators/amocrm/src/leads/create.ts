import { nowSeconds } from '../entities.js';
import type { EmulatorState, Lead } from '../state.js';
import { snapshot } from './changes.js';
import { type LeadPatch, type PatchContext, type Prepared, prepareLeadPatch, type TagRef } from './patch.js';

export interface LeadCreate extends Omit<LeadPatch, 'tags_to_add' | 'tags_to_delete'> {
  created_by?: number | undefined;
  _embedded?:
    | {
        tags?: TagRef[] | undefined;
        contacts?: { id: number }[] | undefined;
        companies?: { id: number }[] | undefined;
      }
    | undefined;
}

/** Validates a new lead; applying it stores the lead with a fresh id and returns an `add` change. */
export function prepareLeadCreate(state: EmulatorState, input: LeadCreate, ctx: PatchContext): Prepared {
  const pipeline = state.pipelines.get(input.pipeline_id ?? -1) ?? [...state.pipelines.values()][0];
  const userId = input.created_by ?? ctx.userId;
  const now = nowSeconds();
  // id 0 marks the draft: entering its first stage counts for required fields.
  const draft: Lead = {
    id: 0,
    name: '',
    price: 0,
    statusId: pipeline?.statuses[0]?.id ?? 0,
    pipelineId: pipeline?.id ?? 0,
    responsibleUserId: input.responsible_user_id ?? userId,
    createdBy: userId,
    updatedBy: userId,
    createdAt: now,
    updatedAt: now,
    contactIds: [],
    companyId: null,
    tags: [],
    customFieldsValues: [],
    products: [],
  };
  const contacts = input._embedded?.contacts ?? [];
  const companies = input._embedded?.companies ?? [];
  const prepared = prepareLeadPatch(
    state,
    draft,
    { ...input, pipeline_id: input.pipeline_id ?? draft.pipelineId, tags_to_add: input._embedded?.tags },
    ctx,
  );
  const errors = prepared.ok ? [] : [...prepared.errors];
  contacts.forEach((c, i) => {
    if (!state.contacts.has(c.id))
      errors.push({
        code: 'NotSupportedChoice',
        path: `_embedded.contacts.${i}.id`,
        detail: 'Contact not found',
      });
  });
  companies.forEach((c, i) => {
    if (!state.companies.has(c.id))
      errors.push({
        code: 'NotSupportedChoice',
        path: `_embedded.companies.${i}.id`,
        detail: 'Company not found',
      });
  });
  if (!prepared.ok || errors.length > 0) return { ok: false, errors };

  return {
    ok: true,
    apply: () => {
      const change = prepared.apply();
      draft.id = state.nextId('lead');
      if (!input.name) draft.name = `Сделка #${draft.id}`;
      draft.contactIds = contacts.map((c) => c.id);
      draft.companyId = companies[0]?.id ?? null;
      state.leads.set(draft.id, draft);
      const lead = snapshot(draft);
      return {
        ...change,
        action: 'add',
        lead,
        old: {
          statusId: lead.statusId,
          pipelineId: lead.pipelineId,
          responsibleUserId: lead.responsibleUserId,
        },
      };
    },
  };
}
