import type { Money } from '@erp-bridge/shared';
import { type CreateOrderInput, ErpError, type ErpOrder } from '../connector.js';
import type { HttpClient } from './http.js';
import * as L from './loop-schemas.js';
import { toKopecks } from './mapping.js';
import { list, type Meta } from './schemas.js';

export interface OrderDeps {
  http: HttpClient;
  uiBase: string;
  currency: string;
  lookupProducts(skus: readonly string[]): Promise<Map<string, { meta: Meta; price: Money | null }>>;
  organization(): Promise<Meta>;
  counterpartyMeta(id: string): Meta;
  externalCodeFor(key: string): string;
}

/**
 * Customer orders with a reserve (https://dev.moysklad.ru/doc/api/remap/1.2/documents/#dokumenty-zakaz-pokupatelq):
 * each position carries `reserve` (the quantity reserved). MoySklad does not enforce externalCode
 * uniqueness, so creation looks the key up first; a lost answer is re-run with the same key.
 */
export function moySkladOrders(deps: OrderDeps) {
  const link = (id: string) => `${deps.uiBase}/app/#customerorder/edit?id=${id}`;

  async function positionsOf(orderId: string) {
    const page = await deps.http.request({
      path: `/entity/customerorder/${encodeURIComponent(orderId)}/positions`,
      query: { limit: 1000 },
      schema: list(L.OrderPosition),
    });
    return page.rows;
  }

  async function toOrder(
    o: { id: string; name: string },
    skuByHref?: Map<string, string>,
  ): Promise<ErpOrder> {
    const reserved: Record<string, number> = {};
    if (skuByHref) {
      for (const p of await positionsOf(o.id)) {
        const sku = skuByHref.get(p.assortment.meta.href) ?? p.assortment.meta.href;
        reserved[sku] = (reserved[sku] ?? 0) + (p.reserve ?? 0);
      }
    }
    return { id: o.id, number: o.name, reserved, link: link(o.id) };
  }

  async function createOrder(input: CreateOrderInput): Promise<ErpOrder> {
    const externalCode = deps.externalCodeFor(input.idempotencyKey);
    const products = await deps.lookupProducts(input.positions.map((p) => p.sku));
    const skuByHref = new Map([...products].map(([sku, p]) => [p.meta.href, sku]));
    const found = await deps.http.request({
      path: '/entity/customerorder',
      query: { filter: `externalCode=${externalCode}`, order: 'created,asc', limit: 100 },
      schema: list(L.CustomerOrder),
    });
    if (found.rows[0]) return toOrder(found.rows[0], skuByHref);
    const unknown = input.positions.filter((p) => !products.has(p.sku)).map((p) => p.sku);
    if (unknown.length)
      throw new ErpError('validation', `MoySklad has no product ${unknown.join(', ')}`, false);
    const positions = input.positions.map((p) => {
      const product = products.get(p.sku) as { meta: Meta; price: Money | null };
      const price = p.price ?? product.price;
      return {
        assortment: { meta: product.meta },
        quantity: p.quantity,
        price: price ? toKopecks(price.amount) : 0,
        reserve: p.quantity,
      };
    });
    const created = await deps.http.request({
      method: 'POST',
      path: '/entity/customerorder',
      body: {
        organization: { meta: await deps.organization() },
        agent: { meta: deps.counterpartyMeta(input.customerId) },
        positions,
        externalCode,
        ...(input.comment ? { description: input.comment } : {}),
      },
      schema: L.CustomerOrder,
    });
    return toOrder(created, skuByHref);
  }

  /** Sets every position's reserve to 0 (PUT of one position: "Изменить позицию Заказа покупателя"). */
  async function releaseOrder(orderId: string): Promise<ErpOrder> {
    const order = await deps.http.request({
      path: `/entity/customerorder/${encodeURIComponent(orderId)}`,
      schema: L.CustomerOrder,
    });
    for (const p of await positionsOf(orderId)) {
      if (!p.reserve) continue;
      await deps.http.request({
        method: 'PUT',
        path: `/entity/customerorder/${encodeURIComponent(orderId)}/positions/${encodeURIComponent(p.id)}`,
        body: { reserve: 0 },
        schema: L.OrderPosition,
      });
    }
    return { id: order.id, number: order.name, reserved: {}, link: link(order.id) };
  }

  return { createOrder, releaseOrder };
}
