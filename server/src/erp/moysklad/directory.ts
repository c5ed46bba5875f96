import { ErpError } from '../connector.js';
import { SingleFlight, TtlCache } from './cache.js';
import type { MoySkladContext } from './context.js';
import * as S from './schemas.js';

/** The account's stores and its first organization, cached and loaded once at a time. */
export function createDirectory(ctx: MoySkladContext) {
  const { http, options } = ctx;
  const storeCache = new TtlCache<'all', Map<string, string>>(options.storeCacheTtlMs ?? 10 * 60_000);
  const orgCache = new TtlCache<'first', S.Meta>(options.storeCacheTtlMs ?? 10 * 60_000);
  const flights = new SingleFlight<string, unknown>();

  async function loadStores(): Promise<Map<string, string>> {
    return (await flights.run('stores', async () => {
      const rows = await ctx.listAll('/entity/store', {}, S.Store);
      const names = new Map(rows.map((s) => [s.id, s.name]));
      storeCache.set('all', names);
      return names;
    })) as Map<string, string>;
  }

  const storeNames = async () => storeCache.lookup('all')?.value ?? loadStores();

  /** The first organization (юрлицо): invoices are issued from it. */
  async function loadOrganization(): Promise<S.Meta> {
    return (await flights.run('organization', async () => {
      const page = await http.request({
        path: '/entity/organization',
        query: { limit: 1 },
        schema: S.list(S.Organization),
      });
      const org = page.rows[0];
      if (!org)
        throw new ErpError(
          'validation',
          'MoySklad: the account has no organization (юрлицо) to invoice from',
          false,
        );
      orgCache.set('first', org.meta);
      return org.meta;
    })) as S.Meta;
  }

  const organization = async () => orgCache.lookup('first')?.value ?? loadOrganization();

  return { loadStores, storeNames, loadOrganization, organization };
}

export type Directory = ReturnType<typeof createDirectory>;
