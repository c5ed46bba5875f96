import { Hono } from 'hono';
import { apiBase, hal } from '../http/responses.js';
import { SEED_TIME } from '../seed.js';
import type { EmulatorState } from '../state.js';

export function accountRoutes(state: EmulatorState): Hono {
  const app = new Hono();
  app.get('/account', (c) => {
    const { account } = state;
    const withs = (c.req.query('with') ?? '').split(',');
    // ?with=users_groups embeds the account's user groups
    // (https://www.amocrm.ru/developers/content/crm_platform/account-info).
    const embedded = withs.includes('users_groups')
      ? { _embedded: { users_groups: [...state.userGroups.values()].map((g) => ({ ...g, uuid: null })) } }
      : {};
    const firstAdmin = [...state.users.values()].find((u) => u.isAdmin);
    return hal(c, {
      id: account.id,
      name: account.name,
      subdomain: account.subdomain,
      created_at: SEED_TIME,
      created_by: firstAdmin?.id ?? 0,
      updated_at: SEED_TIME,
      updated_by: firstAdmin?.id ?? 0,
      // The user the token acts as, whom API writes are attributed to (amoCRM API v4 "Account",
      // https://www.amocrm.ru/developers/content/crm_platform/account-info: current_user_id).
      current_user_id: state.apiUserId,
      country: account.country,
      currency: account.currency,
      customers_mode: 'disabled',
      is_unsorted_on: true,
      is_loss_reason_enabled: true,
      is_helpbot_enabled: false,
      is_technical_account: false,
      contact_name_display_order: 1,
      _links: { self: { href: `${apiBase(c)}/account` } },
      ...embedded,
    });
  });
  return app;
}
