import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/open.js';
import { localCustomers, localDocuments } from '../../db/schema.js';
import { phoneKey } from '../phone-key.js';

const LocalDocumentInput = z.object({
  number: z.string().min(1),
  date: z.iso.datetime({ offset: true }),
  sum: z.number(),
});

export const LocalCustomerInput = z.object({
  id: z.string().min(1).optional(),
  name: z.string().min(1),
  inn: z
    .string()
    .regex(/^\d{10}(\d{2})?$/, 'INN must have 10 or 12 digits')
    .nullish(),
  phone: z.string().nullish(),
  email: z.email().nullish(),
  /** Negative = the customer owes us. */
  balance: z.number().nullish(),
  currency: z.string().length(3).default('RUB'),
  orders: z.array(LocalDocumentInput).default([]),
  invoices: z.array(LocalDocumentInput).default([]),
});
export type LocalCustomerInput = z.input<typeof LocalCustomerInput>;

/** Loads customers (and their past documents) into the embedded store; ids are kept stable by INN. */
export async function upsertLocalCustomers(
  db: Db,
  input: readonly LocalCustomerInput[],
  storeId = 'default',
) {
  const customers = z.array(LocalCustomerInput).parse(input);
  await db.transaction(async (tx) => {
    for (const c of customers) {
      const id = c.id ?? (c.inn ? `inn-${c.inn}` : randomUUID());
      await tx
        .insert(localCustomers)
        .values({
          id,
          storeId,
          name: c.name,
          inn: c.inn ?? null,
          phone: c.phone ?? null,
          phoneKey: c.phone ? phoneKey(c.phone) : null,
          email: c.email ?? null,
          balance: c.balance ?? null,
          currency: c.currency,
        })
        .onConflictDoUpdate({
          target: localCustomers.id,
          set: {
            name: sql`excluded.name`,
            inn: sql`excluded.inn`,
            phone: sql`excluded.phone`,
            phoneKey: sql`excluded.phone_key`,
            email: sql`excluded.email`,
            balance: sql`excluded.balance`,
            currency: sql`excluded.currency`,
          },
        });
      const docs = [
        ...c.orders.map((d) => ({ ...d, kind: 'order' as const })),
        ...c.invoices.map((d) => ({ ...d, kind: 'invoice' as const })),
      ];
      for (const d of docs) {
        await tx
          .insert(localDocuments)
          .values({
            id: `${id}-${d.kind}-${d.number}`,
            storeId,
            customerId: id,
            kind: d.kind,
            number: d.number,
            date: new Date(d.date),
            sum: d.sum,
            currency: c.currency,
          })
          .onConflictDoNothing();
      }
    }
  });
}
