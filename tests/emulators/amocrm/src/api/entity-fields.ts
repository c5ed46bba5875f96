import { Hono } from 'hono';
import { parseOrIssues } from '../http/query.js';
import { apiBase, emptyList, hal, validationProblem } from '../http/responses.js';
import { COMPANY_FIELDS, CONTACT_FIELDS } from '../seed.js';
import type { EmulatorState } from '../state.js';
import { PageQuery, pageLinks, paginate } from './pagination.js';

type SeedField = { id: number; name: string; code: string | null; type: string };

/**
 * GET /contacts/custom_fields and /companies/custom_fields, read-only, from the seed
 * (https://www.amocrm.ru/developers/content/crm_platform/custom-fields: same shape as the leads'
 * list, `entity_type` naming the entity; paged, 204 past the last page).
 */
export function entityFieldRoutes(state: EmulatorState): Hono {
  const app = new Hono();
  const lists: Record<'contacts' | 'companies', SeedField[]> = {
    contacts: Object.values(CONTACT_FIELDS),
    companies: Object.values(COMPANY_FIELDS),
  };
  for (const entity of ['contacts', 'companies'] as const) {
    app.get(`/${entity}/custom_fields`, (c) => {
      const page = parseOrIssues(PageQuery, c.req.query());
      if (!page.ok) return validationProblem(c, page.issues);
      const all = lists[entity];
      const { items, hasNext } = paginate(all, page.value);
      if (items.length === 0) return emptyList(c);
      return hal(c, {
        _total_items: all.length,
        _page: page.value.page,
        _page_count: Math.ceil(all.length / page.value.limit),
        _links: pageLinks(c, page.value, hasNext),
        _embedded: {
          custom_fields: items.map((f, i) => ({
            id: f.id,
            name: f.name,
            type: f.type,
            account_id: state.account.id,
            code: f.code,
            sort: (i + 1) * 10,
            is_api_only: false,
            enums: null,
            group_id: null,
            required_statuses: [],
            is_deletable: f.code === null,
            is_predefined: f.code !== null,
            entity_type: entity,
            remind: null,
            settings: null,
            _links: { self: { href: `${apiBase(c)}/${entity}/custom_fields/${f.id}` } },
          })),
        },
      });
    });
  }
  return app;
}
