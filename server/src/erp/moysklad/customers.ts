import type { CallOptions, Customer, CustomerQuery } from '../connector.js';
import type { MoySkladContext } from './context.js';
import { isFilterSafe, phoneKey } from './mapping.js';
import * as S from './schemas.js';

export const toCustomer = (c: S.Counterparty): Customer => ({
  id: c.id,
  name: c.name,
  inn: c.inn || null,
  phone: c.phone || null,
  email: c.email || null,
});

/** Counterparties by INN, e-mail or phone; several may match. */
export async function findCustomers(
  ctx: MoySkladContext,
  query: CustomerQuery,
  call: CallOptions = {},
): Promise<Customer[]> {
  const searches: { filter: string; keep: (c: S.Counterparty) => boolean }[] = [];
  const inn = query.inn?.trim();
  const email = query.email?.trim();
  const phone = query.phone ? phoneKey(query.phone) : '';
  if (inn && isFilterSafe(inn)) searches.push({ filter: `inn=${inn}`, keep: () => true });
  if (email && isFilterSafe(email)) searches.push({ filter: `email=${email}`, keep: () => true });
  // MoySklad matches phones loosely; send the bare digits and keep only the same number.
  if (phone.length >= 5) {
    searches.push({
      filter: `phone=${phone}`,
      keep: (c) => !!c.phone && phoneKey(c.phone).endsWith(phone),
    });
  }
  const found = await Promise.all(
    searches.map(async ({ filter, keep }) =>
      (await ctx.listAll('/entity/counterparty', { filter }, S.Counterparty, { signal: call.signal })).filter(
        keep,
      ),
    ),
  );
  const byId = new Map<string, Customer>();
  for (const c of found.flat()) if (!byId.has(c.id)) byId.set(c.id, toCustomer(c));
  return [...byId.values()];
}
