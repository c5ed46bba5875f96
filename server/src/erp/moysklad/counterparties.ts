import type { Customer, NewCustomer } from '../connector.js';
import { ErpError } from '../connector.js';
import { toCustomer } from './customers.js';
import type { HttpClient } from './http.js';
import { isFilterSafe } from './mapping.js';
import * as S from './schemas.js';

/** How many matches a name search shows a person (the widget lists them to pick from). */
const SEARCH_LIMIT = 20;

/**
 * Counterparty search by name and creation, MoySklad JSON API 1.2
 * (https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-kontragent).
 */
export function counterpartyOps(http: HttpClient) {
  const firstPage = async (query: Record<string, string>) =>
    (
      await http.request({
        path: '/entity/counterparty',
        query: { ...query, limit: SEARCH_LIMIT },
        schema: S.list(S.Counterparty),
      })
    ).rows;

  return {
    /**
     * Context search (`search=`, general docs "Контекстный поиск"): for counterparties a substring
     * match over name, code, legalTitle, email, phone and contact persons, ranked by relevance.
     */
    async searchCustomers(text: string): Promise<Customer[]> {
      const needle = text.trim();
      if (needle === '') return [];
      return (await firstPage({ search: needle })).map(toCustomer);
    },

    /**
     * POST /entity/counterparty ("Создать Контрагента": only `name` is required). MoySklad does not
     * keep externalCode unique, so a retry after a lost answer would create a second counterparty:
     * look the external code (ours) and the INN up first, and create only when neither exists.
     */
    async createCustomer(input: NewCustomer): Promise<Customer> {
      const name = input.name.trim();
      if (!name) throw new ErpError('validation', 'a counterparty needs a name');
      if (!isFilterSafe(input.externalKey)) throw new ErpError('validation', 'bad external key');
      const [mine] = await firstPage({ filter: `externalCode=${input.externalKey}` });
      if (mine) return toCustomer(mine);
      const inn = input.inn?.trim();
      if (inn && isFilterSafe(inn)) {
        const [sameInn] = await firstPage({ filter: `inn=${inn}` });
        if (sameInn) return toCustomer(sameInn);
      }
      const created = await http.request({
        method: 'POST',
        path: '/entity/counterparty',
        body: {
          name,
          externalCode: input.externalKey,
          companyType: input.companyType,
          ...(inn && { inn }),
          ...(input.phone && { phone: input.phone }),
          ...(input.email && { email: input.email }),
        },
        schema: S.Counterparty,
      });
      return toCustomer(created);
    },
  };
}
