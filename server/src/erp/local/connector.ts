import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { localCustomers, localDocuments, localStock } from '../../db/schema.js';
import type { CustomerQuery, ErpConnector, ErpDocument, ErpItem, ErpItemStock } from '../connector.js';
import { ErpError } from '../connector.js';
import { phoneKey } from '../phone-key.js';
import { localCustomerCreator, toCustomer } from './create-customer.js';
import { localInvoiceStatus } from './invoice-status.js';
import { localOrders } from './orders.js';

type DocumentRow = typeof localDocuments.$inferSelect;

const toDocument = (r: DocumentRow): ErpDocument => ({
  id: r.id,
  number: r.number,
  date: r.date.toISOString(),
  sum: { amount: r.sum, currency: r.currency },
  status: null,
});
const round2 = (n: number) => Math.round(n * 100) / 100;

/** The embedded stock store: the demo's ERP, and the ERP of small shops without one. */
export function createLocalConnector(db: Db, storeId = 'default'): ErpConnector {
  async function stockRows(skus: readonly string[]) {
    if (skus.length === 0) return [];
    return db
      .select()
      .from(localStock)
      .where(and(eq(localStock.storeId, storeId), inArray(localStock.sku, [...new Set(skus)])))
      .orderBy(asc(localStock.sku), asc(localStock.warehouseId));
  }

  async function resolveSkus(skus: readonly string[]) {
    const items = new Map<string, ErpItem>();
    for (const row of await stockRows(skus)) {
      if (items.has(row.sku)) continue;
      items.set(row.sku, {
        sku: row.sku,
        id: row.sku,
        name: row.name,
        price: row.price === null ? null : { amount: row.price, currency: row.currency },
      });
    }
    return items;
  }

  return {
    kind: 'local',
    resolveSkus,

    async getStock(skus) {
      const items = new Map<string, ErpItemStock>();
      let asOf = new Date(0);
      for (const row of await stockRows(skus)) {
        const item = items.get(row.sku) ?? {
          sku: row.sku,
          name: row.name,
          price: row.price === null ? null : { amount: row.price, currency: row.currency },
          warehouses: [],
        };
        item.warehouses.push({
          warehouseId: row.warehouseId,
          warehouseName: row.warehouseName,
          free: row.stock - row.reserve,
          stock: row.stock,
          reserve: row.reserve,
        });
        items.set(row.sku, item);
        if (row.updatedAt > asOf) asOf = row.updatedAt;
      }
      return { items, asOf: items.size ? asOf : new Date() };
    },

    async listWarehouses() {
      return db
        .selectDistinct({ id: localStock.warehouseId, name: localStock.warehouseName })
        .from(localStock)
        .where(eq(localStock.storeId, storeId))
        .orderBy(asc(localStock.warehouseId));
    },

    async findCustomers(query: CustomerQuery) {
      const conditions = [
        query.inn ? eq(localCustomers.inn, query.inn.trim()) : undefined,
        query.email ? sql`lower(${localCustomers.email}) = ${query.email.trim().toLowerCase()}` : undefined,
        query.phone && phoneKey(query.phone) ? eq(localCustomers.phoneKey, phoneKey(query.phone)) : undefined,
      ].filter((c) => c !== undefined);
      if (conditions.length === 0) return [];
      const rows = await db
        .select()
        .from(localCustomers)
        .where(and(eq(localCustomers.storeId, storeId), or(...conditions)))
        .orderBy(asc(localCustomers.name));
      return rows.map(toCustomer);
    },

    async searchCustomers(text) {
      // Filtered here, not with SQL lower(): an embedded database in the C locale folds ASCII only,
      // and names are Cyrillic. The embedded store holds a small business's customers.
      const needle = text.trim().toLocaleLowerCase();
      if (needle === '') return [];
      const rows = await db
        .select()
        .from(localCustomers)
        .where(eq(localCustomers.storeId, storeId))
        .orderBy(asc(localCustomers.name))
        .limit(5000);
      return rows
        .filter((r) => r.name.toLocaleLowerCase().includes(needle))
        .slice(0, 20)
        .map(toCustomer);
    },

    createCustomer: localCustomerCreator(db, storeId),

    async getCustomerSummary(customerId) {
      const [row] = await db
        .select()
        .from(localCustomers)
        .where(and(eq(localCustomers.storeId, storeId), eq(localCustomers.id, customerId)));
      if (!row) throw new ErpError('not_found', `no customer ${customerId}`);
      const docs = (kind: 'order' | 'invoice') =>
        db
          .select()
          .from(localDocuments)
          .where(and(eq(localDocuments.customerId, customerId), eq(localDocuments.kind, kind)))
          .orderBy(desc(localDocuments.date))
          .limit(5);
      return {
        customer: toCustomer(row),
        balance: row.balance === null ? null : { amount: row.balance, currency: row.currency },
        recentOrders: (await docs('order')).map(toDocument),
        recentInvoices: (await docs('invoice')).map(toDocument),
        link: null,
      };
    },

    async createInvoice(input) {
      const existing = await db
        .select()
        .from(localDocuments)
        .where(eq(localDocuments.idempotencyKey, input.idempotencyKey));
      if (existing[0])
        return { ...toDocument(existing[0]), created: existing[0].date.toISOString(), link: null };

      const [customer] = await db
        .select()
        .from(localCustomers)
        .where(eq(localCustomers.id, input.customerId));
      if (!customer) throw new ErpError('validation', `no customer ${input.customerId}`);
      const items = await resolveSkus(input.positions.map((p) => p.sku));
      const lines = input.positions.map((p) => {
        const price = p.price ?? items.get(p.sku)?.price;
        if (!items.has(p.sku) || !price)
          throw new ErpError('validation', `the store has no priced item with SKU ${p.sku}`);
        return { sku: p.sku, quantity: p.quantity, price: price.amount, currency: price.currency };
      });
      const sum = round2(lines.reduce((s, l) => s + l.quantity * l.price, 0));

      // Two racing creations with one key: the unique index lets one insert win; the other reads it back.
      const inserted = await db
        .insert(localDocuments)
        .values({
          id: randomUUID(),
          storeId,
          customerId: input.customerId,
          kind: 'invoice',
          number: sql`'INV-' || lpad((select count(*) + 1 from ${localDocuments} where kind = 'invoice')::text, 5, '0')`,
          date: new Date(),
          sum,
          currency: lines[0]?.currency ?? 'RUB',
          idempotencyKey: input.idempotencyKey,
          positions: JSON.stringify(lines),
        })
        .onConflictDoNothing({ target: localDocuments.idempotencyKey })
        .returning();
      const row =
        inserted[0] ??
        (
          await db
            .select()
            .from(localDocuments)
            .where(eq(localDocuments.idempotencyKey, input.idempotencyKey))
        )[0];
      if (!row) throw new ErpError('unavailable', 'invoice was neither created nor found');
      return { ...toDocument(row), created: row.date.toISOString(), link: null };
    },

    invoiceStatus: localInvoiceStatus(db, storeId),
    ...localOrders(db, storeId),

    async health() {
      await db.select({ sku: localStock.sku }).from(localStock).limit(1);
      return { ok: true };
    },
  };
}
