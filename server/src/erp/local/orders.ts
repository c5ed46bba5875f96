import { randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { localCustomers, localDocuments, localStock } from '../../db/schema.js';
import { type CreateOrderInput, ErpError, type ErpOrder } from '../connector.js';

/** What one order took from one warehouse. */
interface Taken {
  sku: string;
  warehouseId: string;
  quantity: number;
}

type DocRow = typeof localDocuments.$inferSelect;

const toOrder = (row: DocRow): ErpOrder => {
  const taken = JSON.parse(row.reserved ?? '[]') as Taken[];
  const reserved: Record<string, number> = {};
  if (row.state !== 'released') for (const t of taken) reserved[t.sku] = (reserved[t.sku] ?? 0) + t.quantity;
  return { id: row.id, number: row.number, reserved, link: null };
};

/**
 * Customer orders of the embedded store. Creating one moves the ordered quantities from free stock
 * into reserve (warehouse by warehouse, most free first); releasing gives back exactly what was
 * taken. Both happen in one transaction with the document, so stock and order never disagree.
 */
export function localOrders(db: Db, storeId: string) {
  async function createOrder(input: CreateOrderInput): Promise<ErpOrder> {
    return db.transaction(async (tx) => {
      const [existing] = await tx
        .select()
        .from(localDocuments)
        .where(eq(localDocuments.idempotencyKey, input.idempotencyKey));
      if (existing) return toOrder(existing);
      const [customer] = await tx
        .select()
        .from(localCustomers)
        .where(eq(localCustomers.id, input.customerId));
      if (!customer) throw new ErpError('validation', `no customer ${input.customerId}`, false);

      const taken: Taken[] = [];
      let sum = 0;
      let currency = 'RUB';
      for (const p of input.positions) {
        const rows = await tx
          .select()
          .from(localStock)
          .where(and(eq(localStock.storeId, storeId), eq(localStock.sku, p.sku)))
          .orderBy(asc(localStock.warehouseId))
          .for('update');
        if (rows.length === 0)
          throw new ErpError('validation', `the store has no item with SKU ${p.sku}`, false);
        const price = p.price?.amount ?? rows[0]?.price ?? 0;
        currency = p.price?.currency ?? rows[0]?.currency ?? currency;
        sum += price * p.quantity;
        let left = p.quantity;
        // Most free stock first; what no warehouse has free stays unreserved (the guard says short).
        for (const r of [...rows].sort((a, b) => b.stock - b.reserve - (a.stock - a.reserve))) {
          const take = Math.min(left, Math.max(0, r.stock - r.reserve));
          if (take <= 0) continue;
          taken.push({ sku: p.sku, warehouseId: r.warehouseId, quantity: take });
          left -= take;
          await tx
            .update(localStock)
            .set({ reserve: sql`${localStock.reserve} + ${take}`, updatedAt: new Date() })
            .where(
              and(
                eq(localStock.storeId, storeId),
                eq(localStock.sku, p.sku),
                eq(localStock.warehouseId, r.warehouseId),
              ),
            );
          if (left <= 0) break;
        }
      }
      const [row] = await tx
        .insert(localDocuments)
        .values({
          id: randomUUID(),
          storeId,
          customerId: input.customerId,
          kind: 'order',
          number: sql`'ORD-' || lpad((select count(*) + 1 from ${localDocuments} where kind = 'order')::text, 5, '0')`,
          date: new Date(),
          sum: Math.round(sum * 100) / 100,
          currency,
          idempotencyKey: input.idempotencyKey,
          positions: JSON.stringify(input.positions),
          state: 'reserved',
          reserved: JSON.stringify(taken),
        })
        .returning();
      if (!row) throw new ErpError('unavailable', 'the order was not stored');
      return toOrder(row);
    });
  }

  async function releaseOrder(orderId: string): Promise<ErpOrder> {
    return db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(localDocuments)
        .where(and(eq(localDocuments.id, orderId), eq(localDocuments.kind, 'order')))
        .for('update');
      if (!row) throw new ErpError('not_found', `no order ${orderId}`, false);
      if (row.state === 'released') return toOrder(row);
      for (const t of JSON.parse(row.reserved ?? '[]') as Taken[]) {
        await tx
          .update(localStock)
          .set({ reserve: sql`greatest(0, ${localStock.reserve} - ${t.quantity})`, updatedAt: new Date() })
          .where(
            and(
              eq(localStock.storeId, storeId),
              eq(localStock.sku, t.sku),
              eq(localStock.warehouseId, t.warehouseId),
            ),
          );
      }
      const [released] = await tx
        .update(localDocuments)
        .set({ state: 'released', changedAt: sql`clock_timestamp()` })
        .where(eq(localDocuments.id, orderId))
        .returning();
      return toOrder(released ?? row);
    });
  }

  return { createOrder, releaseOrder };
}
