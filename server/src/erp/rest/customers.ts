import type { CallOptions, Customer, CustomerQuery } from '../connector.js';
import { phoneKey } from '../phone-key.js';
import type { RestContext } from './context.js';
import type { RestMapping } from './mapping.js';
import { readString } from './values.js';

export type CustomerFields = RestMapping['customers']['response']['fields'];

export const customerReadersOf = (ctx: RestContext, f: CustomerFields) => ({
  id: ctx.r(f.id),
  name: ctx.r(f.name),
  inn: ctx.opt(f.inn),
  email: ctx.opt(f.email),
  phones: f.phone === undefined ? [] : (Array.isArray(f.phone) ? f.phone : [f.phone]).map(ctx.r),
});
export type CustomerReaders = ReturnType<typeof customerReadersOf>;

export function readCustomer(rec: unknown, c: CustomerReaders): Customer & { phones: string[] } {
  const phones = c.phones.map((p) => readString(rec, p, false)).filter((p): p is string => p !== null);
  return {
    id: readString(rec, c.id, true),
    name: readString(rec, c.name, true),
    inn: c.inn ? readString(rec, c.inn, false) : null,
    phone: phones[0] ?? null,
    email: c.email ? readString(rec, c.email, false) : null,
    phones,
  };
}
export const strip = ({ phones: _, ...customer }: Customer & { phones: string[] }): Customer => customer;

/** Customers by INN, e-mail or phone: one request per identifier the mapping can ask by. */
export function createCustomerFinder(ctx: RestContext) {
  const { mapping } = ctx;
  const listReaders = customerReadersOf(ctx, mapping.customers.response.fields);

  return async function findCustomers(query: CustomerQuery, call: CallOptions = {}): Promise<Customer[]> {
    const vars = { inn: query.inn?.trim(), email: query.email?.trim(), phone: query.phone?.trim() };
    const kinds = (['inn', 'email', 'phone'] as const).filter(
      (k) => vars[k] && mapping.customers.requests[k],
    );
    const found = new Map<string, Customer>();
    const batches = await Promise.all(
      kinds.map(async (kind) => {
        const spec = mapping.customers.requests[kind];
        if (!spec) return [];
        const body = await ctx.send(`customers by ${kind}`, spec, vars, { retry: true, signal: call.signal });
        const records = ctx.list('customers', body, mapping.customers.response.records);
        const customers = ctx.parse('customers', () => records.map((rec) => readCustomer(rec, listReaders)));
        if (kind !== 'phone' || mapping.customers.phoneMatch === 'server') return customers;
        const key = phoneKey(vars.phone ?? '');
        return key ? customers.filter((c) => c.phones.some((p) => phoneKey(p) === key)) : [];
      }),
    );
    for (const c of batches.flat()) if (!found.has(c.id)) found.set(c.id, strip(c));
    return [...found.values()];
  };
}
