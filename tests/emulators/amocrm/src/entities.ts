/** Records the write routes add: lead fields, tags, notes, tasks, companies, webhooks. */

export interface FieldValue {
  value: string | number | boolean;
  enum_id?: number;
  enum_code?: string;
}

export interface RequiredStatus {
  pipeline_id: number;
  status_id: number;
}

export interface LeadField {
  id: number;
  name: string;
  type: string;
  code: string | null;
  sort: number;
  isApiOnly: boolean;
  requiredStatuses: RequiredStatus[];
  enums: { id: number; value: string; sort: number }[] | null;
}

export interface Tag {
  id: number;
  name: string;
  color: string | null;
}

export interface Note {
  id: number;
  entityId: number;
  noteType: string;
  params: Record<string, unknown>;
  createdBy: number;
  responsibleUserId: number;
  createdAt: number;
  updatedAt: number;
}

export interface Task {
  id: number;
  text: string;
  completeTill: number;
  entityId: number | null;
  entityType: string | null;
  responsibleUserId: number;
  taskTypeId: number;
  duration: number;
  isCompleted: boolean;
  createdBy: number;
  createdAt: number;
  updatedAt: number;
}

/** A contact or company field value as amoCRM returns it (multitext PHONE/EMAIL carry enum_code). */
export interface EntityFieldValue {
  field_id: number;
  field_name: string;
  field_code: string | null;
  field_type: string;
  values: FieldValue[];
}

export interface Company {
  id: number;
  name: string;
  responsibleUserId: number;
  customFieldsValues: EntityFieldValue[];
}

export interface Webhook {
  id: number;
  destination: string;
  settings: string[];
  createdAt: number;
  updatedAt: number;
  disabled: boolean;
}

export interface WebhookDelivery {
  destination: string;
  /** The form-encoded body as sent. */
  body: string;
  /** HTTP status, or 0 when the request failed or timed out. */
  status: number;
  /** Epoch milliseconds of this attempt. */
  at: number;
  /** 1 for the first try, 2 for the first retry… */
  attempt: number;
  error?: string;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
