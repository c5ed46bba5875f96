import { Hono } from 'hono';
import { apiBase } from '../http/responses.js';
import { COMPANY_FIELDS, CONTACT_FIELDS } from '../seed.js';
import type { EmulatorState } from '../state.js';
import { listPage, pageQuery } from './pagination.js';

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
      const page = pageQuery(c);
      if (page instanceof Response) return page;
      return listPage(
        c,
        lists[entity],
        page,
        'custom_fields',
        (f, i) => ({
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
        }),
        true,
      );
    });
  }
  return app;
}
