import { Hono } from 'hono';
import { apiBase, hal, problem } from '../http/responses.js';
import type { EmulatorState, User } from '../state.js';
import { listPage, pageQuery } from './pagination.js';

const FULL = { view: 'A', edit: 'A', add: 'A', delete: 'A', export: 'A' };
const OWN = { view: 'A', edit: 'M', add: 'A', delete: 'M', export: 'M' };

/** One user as GET /api/v4/users shows it (https://www.amocrm.ru/developers/content/crm_platform/users-api). */
function serialize(base: string, u: User) {
  const entity = u.isAdmin ? FULL : OWN;
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    lang: 'ru',
    rights: {
      leads: entity,
      contacts: entity,
      companies: entity,
      tasks: { edit: entity.edit, delete: entity.delete },
      mail_access: true,
      catalog_access: true,
      status_rights: [],
      is_admin: u.isAdmin,
      is_free: false,
      is_active: true,
      group_id: u.groupId,
      role_id: null,
    },
    _links: { self: { href: `${base}/users/${u.id}` } },
  };
}

/** GET /users (paged, 250 at most; 204 past the last page) and GET /users/:id. */
export function userRoutes(state: EmulatorState): Hono {
  const app = new Hono();
  app.get('/users', (c) => {
    const page = pageQuery(c);
    if (page instanceof Response) return page;
    const all = [...state.users.values()].sort((a, b) => a.id - b.id);
    return listPage(c, all, page, 'users', (u) => serialize(apiBase(c), u), true);
  });
  app.get('/users/:id{[0-9]+}', (c) => {
    const user = state.users.get(Number(c.req.param('id')));
    if (!user) return problem(c, 404, 'User not found');
    return hal(c, serialize(apiBase(c), user));
  });
  return app;
}
