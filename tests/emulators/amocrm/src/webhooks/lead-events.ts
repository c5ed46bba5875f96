import { type LeadChange, responsibleChanged, statusChanged } from '../leads/changes.js';
import type { EmulatorState, Lead } from '../state.js';
import type { AmoWebhookEvent, WebhookRecord } from './encode.js';

/** Webhook settings amoCRM's POST /webhooks accepts. */
export const WEBHOOK_SETTINGS = [
  'responsible_lead',
  'responsible_contact',
  'responsible_company',
  'responsible_customer',
  'responsible_task',
  'restore_lead',
  'restore_contact',
  'restore_company',
  'add_lead',
  'add_contact',
  'add_company',
  'add_customer',
  'add_talk',
  'add_task',
  'update_lead',
  'update_contact',
  'update_company',
  'update_customer',
  'update_talk',
  'update_task',
  'delete_lead',
  'delete_contact',
  'delete_company',
  'delete_customer',
  'delete_task',
  'status_lead',
  'note_lead',
  'note_contact',
  'note_company',
  'note_customer',
  'add_message',
  'add_chat_template_review',
  'send_rating',
] as const;

/** A lead as webhooks carry it: flat fields, timestamps as unix seconds, tags and field values. */
export function leadRecord(state: EmulatorState, change: LeadChange): WebhookRecord {
  const lead: Lead = change.lead;
  const record: WebhookRecord = {
    id: lead.id,
    name: lead.name,
    status_id: lead.statusId,
    price: lead.price,
    responsible_user_id: lead.responsibleUserId,
    last_modified: lead.updatedAt,
    modified_user_id: change.userId,
    created_user_id: lead.createdBy,
    date_create: lead.createdAt,
    pipeline_id: lead.pipelineId,
    account_id: state.account.id,
    created_at: lead.createdAt,
    updated_at: lead.updatedAt,
  };
  if (statusChanged(change)) {
    record.old_status_id = change.old.statusId;
    record.old_pipeline_id = change.old.pipelineId;
  }
  if (responsibleChanged(change)) record.old_responsible_user_id = change.old.responsibleUserId;
  if (lead.tags.length > 0) record.tags = lead.tags.map((t) => ({ id: t.id, name: t.name }));
  if (lead.customFieldsValues.length > 0) {
    record.custom_fields = lead.customFieldsValues.map((v) => {
      const field = state.leadFields.get(v.field_id);
      return {
        id: v.field_id,
        name: field?.name ?? '',
        ...(field?.code ? { code: field.code } : {}),
        values: v.values.map((x) => ({
          value: x.value,
          ...(x.enum_id === undefined ? {} : { enum: x.enum_id }),
        })),
      };
    });
  }
  return record;
}

/**
 * The webhook events one batch of lead changes produces for a hook with `settings`. amoCRM reports
 * every change, including the ones the receiving integration made through the API; a stage change
 * is both `status` and `update`.
 */
export function leadEvents(state: EmulatorState, batch: readonly LeadChange[], settings: readonly string[]) {
  const on = new Set(settings);
  const events: AmoWebhookEvent[] = [];
  for (const change of batch) {
    const record = leadRecord(state, change);
    const push = (setting: string, action: string) => {
      if (on.has(setting)) events.push({ entity: 'leads', action, record });
    };
    if (change.action === 'add') {
      push('add_lead', 'add');
      continue;
    }
    if (statusChanged(change)) push('status_lead', 'status');
    if (responsibleChanged(change)) push('responsible_lead', 'responsible');
    push('update_lead', 'update');
  }
  return events;
}
