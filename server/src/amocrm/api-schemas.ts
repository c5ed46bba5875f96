import { z } from 'zod';

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
    name: z.string().nullish(),
    price: z.number().nullish(),
    status_id: z.number().int(),
    pipeline_id: z.number().int(),
    responsible_user_id: z.number().int().nullish(),
    account_id: z.number().int().nullish(),
    updated_at: z.number().int().nullish(),
    _embedded: z
      .object({
        catalog_elements: z.array(CatalogElementLink).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
export type Lead = z.infer<typeof Lead>;

const FieldValue = z
  .object({ value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional() })
  .loose();

export const CustomFieldValue = z
  .object({
    field_id: z.number().int(),
    field_code: z.string().nullish(),
    field_name: z.string().nullish(),
    values: z.array(FieldValue).nullish(),
  })
  .loose();

export const CatalogElement = z
  .object({
    id: z.number().int(),
    name: z.string(),
    catalog_id: z.number().int().optional(),
    custom_fields_values: z.array(CustomFieldValue).nullish(),
  })
  .loose();
export type CatalogElement = z.infer<typeof CatalogElement>;

export const Catalog = z.object({ id: z.number().int(), name: z.string(), type: z.string() }).loose();

const halList = <T extends z.ZodType>(key: string, item: T) =>
  z
    .object({
      _links: z
        .object({ next: z.object({ href: z.string() }).optional() })
        .loose()
        .optional(),
      _embedded: z.object({ [key]: z.array(item) }),
    })
    .loose();

export const CatalogElementList = halList('elements', CatalogElement);
export const CatalogList = halList('catalogs', Catalog);

export const Account = z
  .object({ id: z.number().int(), subdomain: z.string(), name: z.string().optional() })
  .loose();
