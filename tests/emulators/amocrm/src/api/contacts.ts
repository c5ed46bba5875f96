import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { Company } from '../entities.js';
import { bracketList } from '../http/query.js';
import { apiBase, hal, problem } from '../http/responses.js';
import { SEED_TIME } from '../seed.js';
import type { Contact, EmulatorState } from '../state.js';
import { listPage, pageQuery } from './pagination.js';

const withSet = (c: Context) => new Set((c.req.query('with') ?? '').split(',').map((s) => s.trim()));
const copyValues = (values: Contact['customFieldsValues']) =>
  values.map((v) => ({ ...v, values: v.values.map((x) => ({ ...x })) }));

function leadsOf(
  state: EmulatorState,
  base: string,
  match: (lead: { contactIds: number[]; companyId: number | null }) => boolean,
) {
  return [...state.leads.values()]
    .filter(match)
    .map((l) => ({ id: l.id, _links: { self: { href: `${base}/leads/${l.id}` } } }));
}

function serializeContact(base: string, state: EmulatorState, ct: Contact, include: Set<string>) {
  const [first = '', ...rest] = ct.name.split(' ');
  return {
    id: ct.id,
    name: ct.name,
    first_name: first,
    last_name: rest.join(' '),
    responsible_user_id: ct.responsibleUserId,
    group_id: 0,
    created_by: ct.responsibleUserId,
    updated_by: ct.responsibleUserId,
    created_at: SEED_TIME,
    updated_at: SEED_TIME,
    closest_task_at: null,
    is_deleted: false,
    is_unsorted: false,
    custom_fields_values: ct.customFieldsValues.length > 0 ? copyValues(ct.customFieldsValues) : null,
    account_id: state.account.id,
    _links: { self: { href: `${base}/contacts/${ct.id}` } },
    _embedded: {
      tags: [],
      companies:
        ct.companyId === null
          ? []
          : [{ id: ct.companyId, _links: { self: { href: `${base}/companies/${ct.companyId}` } } }],
      ...(include.has('leads') ? { leads: leadsOf(state, base, (l) => l.contactIds.includes(ct.id)) } : {}),
    },
  };
}

function serializeCompany(base: string, state: EmulatorState, co: Company, include: Set<string>) {
  return {
    id: co.id,
    name: co.name,
    responsible_user_id: co.responsibleUserId,
    group_id: 0,
    created_by: co.responsibleUserId,
    updated_by: co.responsibleUserId,
    created_at: SEED_TIME,
    updated_at: SEED_TIME,
    closest_task_at: null,
    is_deleted: false,
    custom_fields_values: co.customFieldsValues.length > 0 ? copyValues(co.customFieldsValues) : null,
    account_id: state.account.id,
    _links: { self: { href: `${base}/companies/${co.id}` } },
    _embedded: {
      tags: [],
      ...(include.has('contacts')
        ? {
            contacts: [...state.contacts.values()]
              .filter((ct) => ct.companyId === co.id)
              .map((ct) => ({ id: ct.id, _links: { self: { href: `${base}/contacts/${ct.id}` } } })),
          }
        : {}),
      ...(include.has('leads') ? { leads: leadsOf(state, base, (l) => l.companyId === co.id) } : {}),
    },
  };
}

/** GET /contacts[/:id] and /companies[/:id] (with=leads, with=contacts; filter[id][]). Read-only. */
export function contactRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  const collection = <T extends { id: number }>(
    name: 'contacts' | 'companies',
    items: () => T[],
    serialize: (base: string, item: T, include: Set<string>) => unknown,
  ) => {
    app.get(`/${name}`, (c) => {
      const page = pageQuery(c);
      if (page instanceof Response) return page;
      const ids = bracketList(c.req.url, 'filter[id]')?.map(Number);
      const query = c.req.query('query')?.toLowerCase();
      const all = items().filter(
        (x) => (!ids || ids.includes(x.id)) && (!query || JSON.stringify(x).toLowerCase().includes(query)),
      );
      const include = withSet(c);
      return listPage(c, all, page, name, (x) => serialize(apiBase(c), x, include));
    });
    app.get(`/${name}/:id{[0-9]+}`, (c) => {
      const id = z.coerce.number().int().parse(c.req.param('id'));
      const item = items().find((x) => x.id === id);
      if (!item) return problem(c, 404, `${name === 'contacts' ? 'Contact' : 'Company'} ${id} not found`);
      return hal(c, serialize(apiBase(c), item, withSet(c)));
    });
  };

  collection(
    'contacts',
    () => [...state.contacts.values()],
    (base, ct, inc) => serializeContact(base, state, ct, inc),
  );
  collection(
    'companies',
    () => [...state.companies.values()],
    (base, co, inc) => serializeCompany(base, state, co, inc),
  );
  return app;
}
