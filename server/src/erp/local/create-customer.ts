import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { localCustomers } from '../../db/schema.js';
import type { Customer, NewCustomer } from '../connector.js';
import { ErpError } from '../connector.js';
import { phoneKey } from '../phone-key.js';

type CustomerRow = typeof localCustomers.$inferSelect;

/** A stored customer row as the connector's `Customer` (the connector's reads use it too). */
export const toCustomer = (r: CustomerRow): Customer => ({
  id: r.id,
  name: r.name,
  inn: r.inn,
  phone: r.phone,
  email: r.email,
});

/**
 * The embedded store's customer creation. The row id is derived from the external key, so a retry
 * (or two racing clicks) lands on the same row; a customer already holding the INN is returned
 * instead of creating a second one with it.
 */
export function localCustomerCreator(db: Db, storeId: string) {
  return async (input: NewCustomer): Promise<Customer> => {
    const name = input.name.trim();
    if (!name) throw new ErpError('validation', 'a customer needs a name');
    const id = `crm-${input.externalKey}`;
    const inn = input.inn?.trim() || null;
    if (inn) {
      const [sameInn] = await db
        .select()
        .from(localCustomers)
        .where(and(eq(localCustomers.storeId, storeId), eq(localCustomers.inn, inn)))
        .limit(1);
      if (sameInn) return toCustomer(sameInn);
    }
    await db
      .insert(localCustomers)
      .values({
        id,
        storeId,
        name,
        inn,
        phone: input.phone,
        phoneKey: input.phone ? phoneKey(input.phone) || null : null,
        email: input.email,
      })
      .onConflictDoNothing({ target: localCustomers.id });
    const [row] = await db.select().from(localCustomers).where(eq(localCustomers.id, id));
    if (!row) throw new ErpError('unavailable', 'the customer was neither created nor found');
    return toCustomer(row);
  };
}
