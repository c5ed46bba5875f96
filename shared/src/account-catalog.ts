import { z } from 'zod';

/**
 * What the settings page's pickers offer, read from amoCRM by the backend (admins only, cached):
 * GET /api/v1/account/pipelines, /users, /fields?entity=…
 */
export const CatalogStage = z.object({
  id: z.number().int(),
  name: z.string(),
  /** amoCRM's stage colour (#rrggbb), shown as a swatch beside the name. */
  color: z.string(),
  sort: z.number().int(),
  /** Won (142) and lost (143): never gated. */
  closed: z.boolean(),
});
export type CatalogStage = z.infer<typeof CatalogStage>;

export const CatalogPipeline = z.object({
  id: z.number().int(),
  name: z.string(),
  isMain: z.boolean(),
  stages: z.array(CatalogStage),
});
export type CatalogPipeline = z.infer<typeof CatalogPipeline>;

export const AccountPipelines = z.object({ pipelines: z.array(CatalogPipeline) });
export type AccountPipelines = z.infer<typeof AccountPipelines>;

export const CatalogUser = z.object({
  id: z.number().int(),
  name: z.string(),
  /** amoCRM's user group (rights.group_id; 0 or null = the main group). */
  groupId: z.number().int().nullable(),
  isAdmin: z.boolean(),
  isActive: z.boolean(),
});
export type CatalogUser = z.infer<typeof CatalogUser>;

export const CatalogGroup = z.object({ id: z.number().int(), name: z.string() });
export type CatalogGroup = z.infer<typeof CatalogGroup>;

export const AccountUsers = z.object({ users: z.array(CatalogUser), groups: z.array(CatalogGroup) });
export type AccountUsers = z.infer<typeof AccountUsers>;

export const FieldEntity = z.enum(['leads', 'contacts', 'companies']);
export type FieldEntity = z.infer<typeof FieldEntity>;

export const CatalogField = z.object({
  id: z.number().int(),
  name: z.string(),
  code: z.string().nullable(),
  type: z.string(),
  isApiOnly: z.boolean(),
});
export type CatalogField = z.infer<typeof CatalogField>;

export const AccountFields = z.object({ entity: FieldEntity, fields: z.array(CatalogField) });
export type AccountFields = z.infer<typeof AccountFields>;
