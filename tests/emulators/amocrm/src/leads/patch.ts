import { type FieldValue, nowSeconds } from '../entities.js';
import type { CustomFieldValue, EmulatorState, Lead } from '../state.js';
import { type LeadChange, snapshot } from './changes.js';
import { missingRequiredFields } from './required.js';

export interface TagRef {
  id?: number | undefined;
  name?: string | undefined;
}

export interface FieldValueInput {
  field_id?: number | undefined;
  field_code?: string | undefined;
  /** null or [] clears the field. */
  values: FieldValue[] | null;
}

/** A validated lead change (the body of PATCH /leads or a UI action). */
export interface LeadPatch {
  name?: string | undefined;
  price?: number | undefined;
  status_id?: number | undefined;
  pipeline_id?: number | undefined;
  responsible_user_id?: number | undefined;
  custom_fields_values?: FieldValueInput[] | undefined;
  tags_to_add?: TagRef[] | undefined;
  tags_to_delete?: TagRef[] | undefined;
}

/** amoCRM's validation error entry (path relative to the item). */
export interface WriteError {
  code: string;
  path: string;
  detail: string;
}

export interface PatchContext {
  userId: number;
  source: 'api' | 'ui';
  /** Refuse entering a stage while a field its `required_statuses` names is empty. */
  enforceRequired: boolean;
}

export type Prepared = { ok: true; apply: () => LeadChange } | { ok: false; errors: WriteError[] };

/**
 * Checks a change against the account (pipelines, statuses, fields, tags, users) and returns a
 * function that applies it, so a batch is validated whole before any lead is touched.
 */
export function prepareLeadPatch(
  state: EmulatorState,
  lead: Lead,
  patch: LeadPatch,
  ctx: PatchContext,
): Prepared {
  const errors: WriteError[] = [];
  const pipelineId = patch.pipeline_id ?? lead.pipelineId;
  const pipeline = state.pipelines.get(pipelineId);
  if (!pipeline)
    errors.push({ code: 'NotSupportedChoice', path: 'pipeline_id', detail: 'Pipeline not found' });
  const statusId =
    patch.status_id ?? (pipelineId !== lead.pipelineId ? (pipeline?.statuses[0]?.id ?? 0) : lead.statusId);
  if (pipeline && !pipeline.statuses.some((s) => s.id === statusId)) {
    errors.push({
      code: 'NotSupportedChoice',
      path: 'status_id',
      detail: 'Status not found in the pipeline',
    });
  }
  if (patch.responsible_user_id !== undefined && !state.users.has(patch.responsible_user_id)) {
    errors.push({ code: 'NotSupportedChoice', path: 'responsible_user_id', detail: 'User not found' });
  }

  const values = lead.customFieldsValues.map((v) => ({ field_id: v.field_id, values: [...v.values] }));
  for (const [i, input] of (patch.custom_fields_values ?? []).entries()) {
    const field = [...state.leadFields.values()].find((f) =>
      input.field_id !== undefined ? f.id === input.field_id : f.code !== null && f.code === input.field_code,
    );
    if (!field) {
      errors.push({
        code: 'NotSupportedChoice',
        path: `custom_fields_values.${i}.field_id`,
        detail: 'Field not found',
      });
      continue;
    }
    if (field.type === 'checkbox' && input.values?.some((v) => typeof v.value !== 'boolean')) {
      errors.push({ code: 'InvalidType', path: `custom_fields_values.${i}.values`, detail: 'Must be bool' });
      continue;
    }
    const at = values.findIndex((v) => v.field_id === field.id);
    if (at >= 0) values.splice(at, 1);
    if (input.values && input.values.length > 0)
      values.push({ field_id: field.id, values: [...input.values] });
  }

  (patch.tags_to_add ?? []).forEach((tag, i) => {
    if (tag.id !== undefined && !state.tags.has(tag.id)) {
      errors.push({ code: 'NotSupportedChoice', path: `tags_to_add.${i}.id`, detail: 'Tag not found' });
    }
  });

  const entersStage = statusId !== lead.statusId || pipelineId !== lead.pipelineId || lead.id === 0;
  if (ctx.enforceRequired && entersStage && errors.length === 0) {
    for (const field of missingRequiredFields(state, values, pipelineId, statusId)) {
      errors.push({
        code: 'FieldIsRequired',
        path: 'custom_fields_values',
        detail: `Field "${field.name}" (${field.id}) is required in this stage`,
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  return {
    ok: true,
    apply: () => {
      const old = {
        statusId: lead.statusId,
        pipelineId: lead.pipelineId,
        responsibleUserId: lead.responsibleUserId,
      };
      if (patch.name !== undefined) lead.name = patch.name;
      if (patch.price !== undefined) lead.price = patch.price;
      if (patch.responsible_user_id !== undefined) lead.responsibleUserId = patch.responsible_user_id;
      lead.pipelineId = pipelineId;
      lead.statusId = statusId;
      lead.customFieldsValues = values as CustomFieldValue[];
      for (const ref of patch.tags_to_add ?? []) {
        const tag = resolveTag(state, ref, true);
        if (tag && !lead.tags.some((t) => t.id === tag.id)) lead.tags.push({ id: tag.id, name: tag.name });
      }
      for (const ref of patch.tags_to_delete ?? []) {
        lead.tags = lead.tags.filter((t) => !(ref.id !== undefined ? t.id === ref.id : t.name === ref.name));
      }
      touchLead(lead, ctx.userId);
      return { action: 'update', lead: snapshot(lead), old, userId: ctx.userId, source: ctx.source };
    },
  };
}

/** amoCRM stamps every change; never move a lead's clock backwards. */
export function touchLead(lead: Lead, userId: number): void {
  lead.updatedAt = Math.max(nowSeconds(), lead.updatedAt);
  lead.updatedBy = userId;
}

/** A tag by id, or by name (created when `create` and unknown, as tags_to_add does). */
export function resolveTag(state: EmulatorState, ref: TagRef, create: boolean) {
  if (ref.id !== undefined) return state.tags.get(ref.id);
  const name = ref.name?.trim();
  if (!name) return undefined;
  const found = [...state.tags.values()].find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (found || !create) return found;
  const tag = { id: state.nextId('tag'), name, color: null };
  state.tags.set(tag.id, tag);
  return tag;
}
