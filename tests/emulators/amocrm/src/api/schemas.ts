import { z } from 'zod';

/** Shapes shared by the write routes. amoCRM ignores fields it does not know, so objects are loose. */
export const Id = z.number().int().positive();
export const FieldValueSchema = z.object({
  value: z.union([z.string(), z.number(), z.boolean()]),
  enum_id: z.number().int().optional(),
  enum_code: z.string().optional(),
});

export const CustomFieldsValues = z.array(
  z
    .object({
      field_id: Id.optional(),
      field_code: z.string().min(1).optional(),
      values: z.array(FieldValueSchema).nullable(),
    })
    .refine(
      (v) => v.field_id !== undefined || v.field_code !== undefined,
      'field_id or field_code is required',
    ),
);

export const TagRefs = z.array(
  z
    .object({ id: Id.optional(), name: z.string().min(1).optional() })
    .refine((t) => t.id !== undefined || t.name !== undefined, 'id or name is required'),
);

const LeadFields = {
  name: z.string().min(1).max(255).optional(),
  price: z.number().int().nonnegative().optional(),
  status_id: Id.optional(),
  pipeline_id: Id.optional(),
  responsible_user_id: Id.optional(),
  custom_fields_values: CustomFieldsValues.nullable()
    .optional()
    .transform((v) => v ?? undefined),
};

export const LeadPatchBody = z.object({
  ...LeadFields,
  tags_to_add: TagRefs.optional(),
  tags_to_delete: TagRefs.optional(),
});

export const LeadPatchItem = LeadPatchBody.extend({ id: Id });

export const LeadCreateItem = z.object({
  ...LeadFields,
  created_by: z.number().int().nonnegative().optional(),
  request_id: z.string().optional(),
  _embedded: z
    .object({
      tags: TagRefs.optional(),
      contacts: z.array(z.object({ id: Id })).optional(),
      companies: z.array(z.object({ id: Id })).optional(),
    })
    .optional(),
});

/** Batch bodies: 1…250 items (readBody answers more than 250 with TooManyEntities). */
export const batch = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(250);
