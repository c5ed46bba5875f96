import { Hono } from 'hono';
import { z } from 'zod';
import type { LeadField } from '../entities.js';
import { readBody } from '../http/body.js';
import { apiBase, hal, problem, type ValidationIssue, validationProblem } from '../http/responses.js';
import type { EmulatorState } from '../state.js';
import { listPage, pageQuery } from './pagination.js';
import { batch, Id } from './schemas.js';

const FIELD_TYPES = [
  'text',
  'numeric',
  'checkbox',
  'select',
  'multiselect',
  'date',
  'url',
  'textarea',
  'radiobutton',
  'streetaddress',
  'smart_address',
  'birthday',
  'legal_entity',
  'date_time',
  'price',
  'category',
  'items',
  'tracking_data',
  'linked_entity',
  'chained_list',
  'monetary',
  'file',
  'payer',
  'supplier',
  'multitext',
] as const;

const RequiredStatuses = z.array(z.object({ pipeline_id: Id, status_id: Id }));
const Enums = z.array(z.object({ value: z.string().min(1), sort: z.number().int().optional() }));

const CreateItem = z.object({
  name: z.string().min(1).max(255),
  type: z.enum(FIELD_TYPES),
  code: z
    .string()
    .regex(/^[A-Z0-9_]+$/)
    .optional(),
  sort: z.number().int().optional(),
  is_api_only: z.boolean().optional(),
  required_statuses: RequiredStatuses.optional(),
  enums: Enums.optional(),
  request_id: z.string().optional(),
});

const UpdateItem = z.object({
  id: Id,
  name: z.string().min(1).max(255).optional(),
  sort: z.number().int().optional(),
  is_api_only: z.boolean().optional(),
  required_statuses: RequiredStatuses.nullable().optional(),
  enums: Enums.optional(),
});

function serialize(base: string, state: EmulatorState, f: LeadField, requestId?: string) {
  return {
    id: f.id,
    name: f.name,
    type: f.type,
    account_id: state.account.id,
    code: f.code,
    sort: f.sort,
    is_api_only: f.isApiOnly,
    enums: f.enums,
    group_id: null,
    required_statuses: f.requiredStatuses.map((r) => ({ ...r })),
    is_deletable: true,
    is_predefined: false,
    entity_type: 'leads',
    remind: null,
    settings: null,
    ...(requestId === undefined ? {} : { request_id: requestId }),
    _links: { self: { href: `${base}/leads/custom_fields/${f.id}` } },
  };
}

/** Lead custom fields: list (paged), one, create, change (required_statuses…), delete. */
export function leadFieldRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  const stageIssues = (
    statuses: { pipeline_id: number; status_id: number }[] | null | undefined,
    i: number,
  ) =>
    (statuses ?? []).flatMap((r, j): ValidationIssue[] =>
      state.pipelines.get(r.pipeline_id)?.statuses.some((s) => s.id === r.status_id)
        ? []
        : [
            {
              requestId: String(i),
              path: `required_statuses.${j}`,
              detail: 'Unknown pipeline or status',
              code: 'NotSupportedChoice',
            },
          ],
    );
  const enumsOf = (enums: z.infer<typeof Enums> | undefined) =>
    enums
      ? enums.map((e, k) => ({ id: state.nextId('enum'), value: e.value, sort: e.sort ?? (k + 1) * 10 }))
      : null;

  app.get('/leads/custom_fields', (c) => {
    const page = pageQuery(c);
    if (page instanceof Response) return page;
    const all = [...state.leadFields.values()].sort((a, b) => a.sort - b.sort || a.id - b.id);
    return listPage(c, all, page, 'custom_fields', (f) => serialize(apiBase(c), state, f), true);
  });

  app.get('/leads/custom_fields/:id{[0-9]+}', (c) => {
    const field = state.leadFields.get(Number(c.req.param('id')));
    if (!field) return problem(c, 404, 'Field not found');
    return hal(c, serialize(apiBase(c), state, field));
  });

  app.post('/leads/custom_fields', async (c) => {
    const body = await readBody(c, batch(CreateItem));
    if (!body.ok) return body.response;
    const codes = new Set([...state.leadFields.values()].map((f) => f.code));
    const issues = body.value.flatMap((f, i) => [
      ...stageIssues(f.required_statuses, i),
      ...(f.code && codes.has(f.code)
        ? [{ requestId: String(i), path: 'code', detail: 'Code is already used', code: 'NotUnique' }]
        : []),
    ]);
    if (issues.length > 0) return validationProblem(c, issues);
    const created = body.value.map((f, i) => {
      const field: LeadField = {
        id: state.nextId('field'),
        name: f.name,
        type: f.type,
        code: f.code ?? null,
        sort: f.sort ?? 500,
        isApiOnly: f.is_api_only ?? false,
        requiredStatuses: f.required_statuses ?? [],
        enums: enumsOf(f.enums),
      };
      state.leadFields.set(field.id, field);
      return serialize(apiBase(c), state, field, f.request_id ?? String(i));
    });
    return hal(c, { _total_items: created.length, _embedded: { custom_fields: created } });
  });

  app.patch('/leads/custom_fields', async (c) => {
    const body = await readBody(c, batch(UpdateItem));
    if (!body.ok) return body.response;
    const issues = body.value.flatMap((f, i): ValidationIssue[] =>
      state.leadFields.has(f.id)
        ? stageIssues(f.required_statuses, i)
        : [{ requestId: String(i), path: 'id', detail: 'Field not found', code: 'NotFound' }],
    );
    if (issues.length > 0) return validationProblem(c, issues);
    const updated = body.value.map((f) => {
      const field = state.leadFields.get(f.id) as LeadField;
      if (f.name !== undefined) field.name = f.name;
      if (f.sort !== undefined) field.sort = f.sort;
      if (f.is_api_only !== undefined) field.isApiOnly = f.is_api_only;
      if (f.required_statuses !== undefined) field.requiredStatuses = f.required_statuses ?? [];
      if (f.enums !== undefined) field.enums = enumsOf(f.enums);
      return serialize(apiBase(c), state, field);
    });
    return hal(c, { _total_items: updated.length, _embedded: { custom_fields: updated } });
  });

  app.delete('/leads/custom_fields/:id{[0-9]+}', (c) => {
    const id = Number(c.req.param('id'));
    if (!state.leadFields.delete(id)) return problem(c, 404, 'Field not found');
    for (const lead of state.leads.values()) {
      lead.customFieldsValues = lead.customFieldsValues.filter((v) => v.field_id !== id);
    }
    return c.body(null, 204);
  });

  return app;
}
