import { z } from 'zod';
import { cleanString } from '../lib/clean-text.js';

/** amoCRM REST v4 responses we read, validated at the edge. Unknown fields pass through untouched. */

export const CatalogElementLink = z.object({
  id: z.number().int(),
  metadata: z
    .object({
      quantity: z.coerce.number().nonnegative().default(1),
      catalog_id: z.number().int(),
      price_id: z.number().int().nullish(),
    })
    .loose(),
});

export const Lead = z
  .object({
    id: z.number().int(),
    name: cleanString().nullish(),
    price: z.number().nullish(),
    status_id: z.number().int(),
    pipeline_id: z.number().int(),
    responsible_user_id: z.number().int().nullish(),
    account_id: z.number().int().nullish(),
    updated_at: z.number().int().nullish(),
    custom_fields_values: z.lazy(() => z.array(CustomFieldValue).nullish()),
    _embedded: z
      .object({
        catalog_elements: z.array(CatalogElementLink).optional(),
        tags: z.array(z.object({ id: z.number().int(), name: cleanString() }).loose()).optional(),
        contacts: z
          .array(z.object({ id: z.number().int(), is_main: z.boolean().optional() }).loose())
          .optional(),
        companies: z.array(z.object({ id: z.number().int() }).loose()).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
export type Lead = z.infer<typeof Lead>;

const FieldValue = z
  .object({ value: z.union([cleanString(), z.number(), z.boolean(), z.null()]).optional() })
  .loose();

export const CustomFieldValue = z
  .object({
    field_id: z.number().int(),
    field_code: cleanString().nullish(),
    field_name: cleanString().nullish(),
    values: z.array(FieldValue).nullish(),
  })
  .loose();

export const CatalogElement = z
  .object({
    id: z.number().int(),
    name: cleanString(),
    catalog_id: z.number().int().optional(),
    custom_fields_values: z.array(CustomFieldValue).nullish(),
  })
  .loose();
export type CatalogElement = z.infer<typeof CatalogElement>;

export const Catalog = z.object({ id: z.number().int(), name: cleanString(), type: cleanString() }).loose();

const halList = <K extends string, T extends z.ZodType>(key: K, item: T) =>
  z
    .object({
      _links: z
        .object({ next: z.object({ href: cleanString() }).optional() })
        .loose()
        .optional(),
      _embedded: z.object({ [key]: z.array(item) } as Record<K, z.ZodArray<T>>),
    })
    .loose();

export const CatalogElementList = halList('elements', CatalogElement);
export const CatalogList = halList('catalogs', Catalog);

export const Account = z
  .object({ id: z.number().int(), subdomain: cleanString(), name: cleanString().optional() })
  .loose();

export const LeadList = halList('leads', Lead);

const IdWithLinks = z.object({ id: z.number().int(), updated_at: z.number().int().optional() }).loose();
export const PatchedLead = IdWithLinks;
export const PatchedLeadList = halList('leads', IdWithLinks);
export const EntityIdList = z.object({}).loose();

export interface LeadPatch {
  name?: string;
  status_id?: number;
  pipeline_id?: number;
  responsible_user_id?: number;
  custom_fields_values?: { field_id: number; values: { value: string | number | boolean }[] | null }[];
  tags_to_add?: ({ name: string } | { id: number })[];
  tags_to_delete?: ({ name: string } | { id: number })[];
}

export const Note = z
  .object({
    id: z.number().int(),
    entity_id: z.number().int(),
    note_type: cleanString().optional(),
    params: z.object({ text: cleanString().optional() }).loose().nullish(),
  })
  .loose();
export const NoteList = halList('notes', Note);
export interface NoteInput {
  entity_id: number;
  note_type: 'common' | 'service_message';
  params: { text: string; service?: string };
}

export const Task = z
  .object({
    id: z.number().int(),
    entity_id: z.number().int().nullish(),
    text: cleanString().optional(),
    is_completed: z.boolean().optional(),
  })
  .loose();
export const TaskList = halList('tasks', Task);
export interface TaskInput {
  text: string;
  complete_till: number;
  entity_id: number;
  entity_type: 'leads';
  responsible_user_id?: number;
  task_type_id?: number;
}

export const CustomField = z
  .object({
    id: z.number().int(),
    name: cleanString(),
    code: cleanString().nullish(),
    type: cleanString(),
    is_api_only: z.boolean().optional(),
    required_statuses: z
      .array(z.object({ pipeline_id: z.number().int(), status_id: z.number().int() }).loose())
      .nullish(),
  })
  .loose();
export const CustomFieldList = halList('custom_fields', CustomField);
export interface CustomFieldInput {
  name: string;
  type: string;
  code?: string;
  is_api_only?: boolean;
  required_statuses?: { pipeline_id: number; status_id: number }[];
}

export interface LinkInput {
  to_entity_id: number;
  to_entity_type: 'catalog_elements' | 'contacts' | 'companies';
  metadata?: { quantity?: number; catalog_id?: number; price_id?: number };
}

export const Webhook = z
  .object({ destination: cleanString(), settings: z.array(cleanString()).optional() })
  .loose();
export const WebhookList = halList('webhooks', Webhook);

export const Contact = z
  .object({
    id: z.number().int(),
    name: cleanString().nullish(),
    custom_fields_values: z.array(CustomFieldValue).nullish(),
  })
  .loose();
export const Company = Contact;

export const User = z
  .object({
    id: z.number().int(),
    name: cleanString().optional(),
    rights: z.object({ group_id: z.number().int().nullish() }).loose().optional(),
  })
  .loose();

export const Pipeline = z
  .object({
    id: z.number().int(),
    name: cleanString(),
    _embedded: z
      .object({ statuses: z.array(z.object({ id: z.number().int(), name: cleanString() }).loose()) })
      .loose(),
  })
  .loose();
export const PipelineList = halList('pipelines', Pipeline);
