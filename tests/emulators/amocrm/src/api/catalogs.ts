import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { bracketList, parseOrIssues } from '../http/query.js';
import { apiBase, hal, problem, validationProblem } from '../http/responses.js';
import type { Catalog, CatalogElement, CatalogField, EmulatorState } from '../state.js';
import { labelledValues } from './field-values.js';
import { listPage, pageQuery } from './pagination.js';

const Id = z.coerce.number().int().positive();

function serializeCatalog(base: string, accountId: number, catalog: Catalog) {
  return {
    id: catalog.id,
    name: catalog.name,
    created_by: 0,
    updated_by: 0,
    created_at: catalog.createdAt,
    updated_at: catalog.updatedAt,
    sort: catalog.sort,
    type: catalog.type,
    can_add_elements: true,
    can_show_in_cards: false,
    can_link_multiple: true,
    can_be_deleted: catalog.type === 'regular',
    sdk_widget_code: null,
    account_id: accountId,
    _links: { self: { href: `${base}/catalogs/${catalog.id}` } },
  };
}

function serializeField(base: string, accountId: number, field: CatalogField) {
  return {
    id: field.id,
    name: field.name,
    type: field.type,
    account_id: accountId,
    code: field.code,
    sort: field.sort,
    is_api_only: false,
    enums: null,
    request_id: null,
    catalog_id: field.catalogId,
    _links: { self: { href: `${base}/catalogs/${field.catalogId}/custom_fields/${field.id}` } },
  };
}

/** Values carry the field's name, code and type beside its id, as amoCRM returns them. */
function serializeElement(base: string, accountId: number, fields: CatalogField[], el: CatalogElement) {
  const values = labelledValues(el.customFieldsValues, (id) => fields.find((f) => f.id === id));
  return {
    id: el.id,
    name: el.name,
    created_by: 0,
    updated_by: 0,
    created_at: el.createdAt,
    updated_at: el.updatedAt,
    is_deleted: null,
    custom_fields_values: values.length > 0 ? values : null,
    catalog_id: el.catalogId,
    account_id: accountId,
    _links: { self: { href: `${base}/catalogs/${el.catalogId}/elements/${el.id}` } },
  };
}

export function catalogsRoutes(state: EmulatorState): Hono {
  const app = new Hono();
  const accountId = () => state.account.id;

  /** Resolves `:id` to a catalog or answers 404 itself. */
  const catalogOf = (c: Context): Catalog | Response => {
    const id = Id.safeParse(c.req.param('id'));
    const catalog = id.success ? state.catalogs.get(id.data) : undefined;
    return catalog ?? problem(c, 404, `Catalog ${c.req.param('id')} not found`);
  };

  app.get('/catalogs', (c) => {
    const page = pageQuery(c);
    if (page instanceof Response) return page;
    return listPage(c, [...state.catalogs.values()], page, 'catalogs', (cat) =>
      serializeCatalog(apiBase(c), accountId(), cat),
    );
  });

  app.get('/catalogs/:id', (c) => {
    const catalog = catalogOf(c);
    if (catalog instanceof Response) return catalog;
    return hal(c, serializeCatalog(apiBase(c), accountId(), catalog));
  });

  app.get('/catalogs/:id/custom_fields', (c) => {
    const catalog = catalogOf(c);
    if (catalog instanceof Response) return catalog;
    const page = pageQuery(c);
    if (page instanceof Response) return page;
    const all = state.catalogFields.get(catalog.id) ?? [];
    return listPage(c, all, page, 'custom_fields', (f) => serializeField(apiBase(c), accountId(), f), true);
  });

  app.get('/catalogs/:id/elements', (c) => {
    const catalog = catalogOf(c);
    if (catalog instanceof Response) return catalog;
    const page = pageQuery(c);
    if (page instanceof Response) return page;
    const ids = bracketList(c.req.url, 'filter[id]');
    const parsedIds = ids === undefined ? undefined : parseOrIssues(z.array(Id), ids);
    if (parsedIds && !parsedIds.ok) return validationProblem(c, parsedIds.issues);
    const wanted = parsedIds?.ok ? new Set(parsedIds.value) : undefined;
    const search = c.req.query('query')?.toLowerCase();
    const all = [...state.elements.values()].filter(
      (el) =>
        el.catalogId === catalog.id &&
        (!wanted || wanted.has(el.id)) &&
        (!search || el.name.toLowerCase().includes(search)),
    );
    const fields = state.catalogFields.get(catalog.id) ?? [];
    return listPage(c, all, page, 'elements', (el) => serializeElement(apiBase(c), accountId(), fields, el));
  });

  app.post('/catalogs/:id/elements', async (c) => {
    const catalog = catalogOf(c);
    if (catalog instanceof Response) return catalog;
    const body = parseOrIssues(
      z
        .array(z.object({ name: z.string().min(1), request_id: z.string().optional() }).loose())
        .min(1)
        .max(250),
      await c.req.json().catch(() => undefined),
    );
    if (!body.ok) return validationProblem(c, body.issues);
    const now = Math.floor(Date.now() / 1000);
    const created = body.value.map((input) => {
      const el: CatalogElement = {
        id: state.nextId('element'),
        catalogId: catalog.id,
        name: input.name,
        customFieldsValues: [],
        createdAt: now,
        updatedAt: now,
      };
      state.elements.set(el.id, el);
      return el;
    });
    const fields = state.catalogFields.get(catalog.id) ?? [];
    return hal(c, {
      _embedded: { elements: created.map((el) => serializeElement(apiBase(c), accountId(), fields, el)) },
    });
  });

  app.get('/catalogs/:id/elements/:elementId', (c) => {
    const catalog = catalogOf(c);
    if (catalog instanceof Response) return catalog;
    const id = Id.safeParse(c.req.param('elementId'));
    const el = id.success ? state.elements.get(id.data) : undefined;
    if (!el || el.catalogId !== catalog.id) return problem(c, 404, 'Element not found');
    const fields = state.catalogFields.get(catalog.id) ?? [];
    return hal(c, serializeElement(apiBase(c), accountId(), fields, el));
  });

  return app;
}
