import type {
  AccountFields,
  AccountPipelines,
  AccountUsers,
  CatalogGroup,
  CatalogUser,
  FieldEntity,
} from '@erp-bridge/shared';
import { z } from 'zod';
import { BoundedCache } from '../lib/bounded-cache.js';
import { CustomField } from './api-schemas.js';
import type { AmoClient } from './client.js';
import type { Installation } from './installations.js';

const WON = 142;
const LOST = 143;
const PAGE_LIMIT = 250;
/** Users come 250 a page; an account beyond this many pages is not a settings-page picker case. */
const MAX_PAGES = 20;

const next = z
  .object({ next: z.object({ href: z.string() }).optional() })
  .loose()
  .optional();

/** GET /api/v4/leads/pipelines (https://www.amocrm.ru/developers/content/crm_platform/leads_pipelines). */
const Pipelines = z
  .object({
    _embedded: z.object({
      pipelines: z.array(
        z
          .object({
            id: z.number().int(),
            name: z.string(),
            sort: z.number().int().optional(),
            is_main: z.boolean().optional(),
            _embedded: z.object({
              statuses: z.array(
                z
                  .object({
                    id: z.number().int(),
                    name: z.string(),
                    sort: z.number().int().optional(),
                    color: z.string().optional(),
                  })
                  .loose(),
              ),
            }),
          })
          .loose(),
      ),
    }),
  })
  .loose();

/** GET /api/v4/users (https://www.amocrm.ru/developers/content/crm_platform/users-api). */
const Users = z
  .object({
    _links: next,
    _embedded: z.object({
      users: z.array(
        z
          .object({
            id: z.number().int(),
            name: z.string().nullish(),
            email: z.string().nullish(),
            rights: z
              .object({
                is_admin: z.boolean().optional(),
                is_active: z.boolean().optional(),
                group_id: z.number().int().nullish(),
              })
              .loose()
              .optional(),
          })
          .loose(),
      ),
    }),
  })
  .loose();

/** GET /api/v4/account?with=users_groups (https://www.amocrm.ru/developers/content/crm_platform/account-info). */
const AccountWithGroups = z
  .object({
    _embedded: z
      .object({
        users_groups: z.array(z.object({ id: z.number().int(), name: z.string() }).loose()).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

/** GET /api/v4/{entity}/custom_fields (https://www.amocrm.ru/developers/content/crm_platform/custom-fields). */
const Fields = z
  .object({
    _links: next,
    _embedded: z.object({
      // The pickers never read required_statuses: its shape must not fail the list.
      custom_fields: z.array(CustomField.omit({ required_statuses: true })),
    }),
  })
  .loose();

type CatalogValue = AccountPipelines | AccountUsers | AccountFields;

export interface AccountCatalogOptions {
  clientFor(inst: Installation): Pick<AmoClient, 'request'>;
  /** How long an answer is reused (default 5 minutes): pickers need not be live to the second. */
  ttlMs?: number;
  maxEntries?: number;
}

/**
 * Pipelines with stages, users with groups, and custom fields of an account, as the settings
 * page's pickers show them. Read from amoCRM through the account's rate-limited client; cached
 * per account and kind (bounded, TTL, concurrent loads share one read).
 */
export function createAccountCatalog(opts: AccountCatalogOptions) {
  const cache = new BoundedCache<CatalogValue>({
    max: opts.maxEntries ?? 2000,
    ttlMs: opts.ttlMs ?? 300_000,
  });

  async function pagesOf<T extends z.ZodType<{ _links?: { next?: { href: string } } }>>(
    amo: Pick<AmoClient, 'request'>,
    path: string,
    schema: T,
  ): Promise<z.infer<T>[]> {
    const out: z.infer<T>[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = new URLSearchParams({ page: String(page), limit: String(PAGE_LIMIT) });
      const body = await amo.request('GET', path, schema, { query });
      if (!body) break; // 204: amoCRM's empty list
      out.push(body);
      if (!body._links?.next) break;
    }
    return out;
  }

  async function loadPipelines(inst: Installation): Promise<AccountPipelines> {
    const body = await opts.clientFor(inst).request('GET', '/leads/pipelines', Pipelines);
    const pipelines = (body?._embedded.pipelines ?? []).map((p) => ({
      id: p.id,
      name: p.name,
      isMain: p.is_main ?? false,
      stages: p._embedded.statuses
        .map((s) => ({
          id: s.id,
          name: s.name,
          color: s.color ?? '#d5d8db',
          sort: s.sort ?? 0,
          closed: s.id === WON || s.id === LOST,
        }))
        .sort((a, b) => a.sort - b.sort),
    }));
    pipelines.sort((a, b) => Number(b.isMain) - Number(a.isMain));
    return { pipelines };
  }

  async function loadUsers(inst: Installation): Promise<AccountUsers> {
    const amo = opts.clientFor(inst);
    const [pages, account] = await Promise.all([
      pagesOf(amo, '/users', Users),
      amo.request('GET', '/account', AccountWithGroups, {
        query: new URLSearchParams({ with: 'users_groups' }),
      }),
    ]);
    const users: CatalogUser[] = pages
      .flatMap((p) => p._embedded.users)
      .map((u) => ({
        id: u.id,
        name: u.name || u.email || `#${u.id}`,
        groupId: u.rights?.group_id ?? null,
        isAdmin: u.rights?.is_admin ?? false,
        isActive: u.rights?.is_active ?? true,
      }));
    const groups: CatalogGroup[] = (account?._embedded?.users_groups ?? []).map((g) => ({
      id: g.id,
      name: g.name,
    }));
    return { users, groups };
  }

  async function loadFields(inst: Installation, entity: FieldEntity): Promise<AccountFields> {
    const pages = await pagesOf(opts.clientFor(inst), `/${entity}/custom_fields`, Fields);
    return {
      entity,
      fields: pages
        .flatMap((p) => p._embedded.custom_fields)
        .map((f) => ({
          id: f.id,
          name: f.name,
          code: f.code ?? null,
          type: f.type,
          isApiOnly: f.is_api_only ?? false,
        })),
    };
  }

  return {
    pipelines: (inst: Installation) =>
      cache.getOrLoad(`${inst.accountId}:pipelines`, () => loadPipelines(inst)) as Promise<AccountPipelines>,
    users: (inst: Installation) =>
      cache.getOrLoad(`${inst.accountId}:users`, () => loadUsers(inst)) as Promise<AccountUsers>,
    fields: (inst: Installation, entity: FieldEntity) =>
      cache.getOrLoad(`${inst.accountId}:fields:${entity}`, () =>
        loadFields(inst, entity),
      ) as Promise<AccountFields>,
    /** Forget an account's answers (after we changed its fields, or on uninstall). */
    invalidate(accountId: number) {
      for (const key of cache.keys()) if (key.startsWith(`${accountId}:`)) cache.delete(key);
    },
  };
}

export type AccountCatalog = ReturnType<typeof createAccountCatalog>;
