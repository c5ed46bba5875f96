import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Document, EmulatorState } from '../state.js';
import type { WebhookSender } from '../webhook-sender.js';
import { apiBase, entityMeta, fail, idFromHref, json, MEDIA_TYPE, moscowTime, ref } from '../wire.js';
import { notFound } from './counterparty.js';
import { serializeDocument } from './documents.js';
import { documentBody, newDocument } from './new-document.js';

const OrderBody = documentBody({}, { reserve: z.number().nonnegative().optional() });
// https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-vebhuki: url up to 255
// characters, action CREATE | UPDATE | DELETE | PROCESSED, diffType NONE | FIELDS (UPDATE only).
const WebhookBody = z.object({
  url: z.string().url().max(255),
  action: z.enum(['CREATE', 'UPDATE', 'DELETE', 'PROCESSED']),
  entityType: z.string().min(1),
  diffType: z.enum(['NONE', 'FIELDS']).optional(),
});

/** Strictly increasing `updated` stamps, so two changes within one millisecond still order. */
export function nextUpdated(prev: string): string {
  let now = moscowTime(new Date());
  if (now <= prev) {
    const ms = Date.parse(`${prev.replace(' ', 'T')}+03:00`) + 1;
    now = moscowTime(new Date(ms));
  }
  return now;
}

/**
 * The ERP loop's entities: customer orders with a reserve per position
 * (https://dev.moysklad.ru/doc/api/remap/1.2/documents/#dokumenty-zakaz-pokupatelq, positions with
 * `reserve`; "Изменить позицию" PUT .../positions/{id}), incoming payments (paymentin with
 * `operations` linking the invoice; https://dev.moysklad.ru/doc/api/remap/1.2/documents/#dokumenty-vhodqschij-platezh)
 * and webhook registration (https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-vebhuki).
 * A reserve taken without a store is reserve tied to no store: the short report's `storeId: null` row.
 */
export function loopRoutes(state: EmulatorState, hooks: WebhookSender): Hono {
  const app = new Hono();

  app.post('/entity/customerorder', async (c) => {
    const parsed = OrderBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success)
      return fail(c, 400, 3007, 'Ошибка валидации', parsed.error.issues[0]?.path.join('.'));
    const body = parsed.data;
    const agentId = idFromHref(body.agent.meta.href, 'counterparty');
    if (!agentId || !state.counterparties.some((cp) => cp.id === agentId))
      return fail(c, 400, 3007, 'Ошибка валидации: неверная ссылка на контрагента', 'agent');
    const positions = [];
    for (const [i, p] of body.positions.entries()) {
      const product = state.products.find((x) => x.id === idFromHref(p.assortment.meta.href));
      if (!product) return fail(c, 400, 3007, 'Ошибка валидации', `positions[${i}].assortment`);
      const reserve = Math.min(p.reserve ?? 0, p.quantity);
      positions.push({
        id: randomUUID(),
        assortmentId: product.id,
        quantity: p.quantity,
        price: p.price ?? 0,
        reserve,
      });
      addUnassignedReserve(state, product.id, reserve);
    }
    const doc = newDocument(state, 'customerorder', {
      name:
        body.name ??
        String(state.documents.filter((d) => d.type === 'customerorder').length + 1).padStart(5, '0'),
      externalCode: body.externalCode,
      description: body.description,
      agentId,
      positions,
    });
    state.documents.push(doc);
    hooks.notify('customerorder', doc.id, 'CREATE');
    return json(c, serializeDocument(state, doc, apiBase(c)));
  });

  const position = (base: string, d: Document, p: Document['positions'][number]) => ({
    meta: {
      ...entityMeta(base, `customerorder/${d.id}/positions`, p.id ?? ''),
      type: 'customerorderposition',
    },
    id: p.id,
    quantity: p.quantity,
    price: p.price,
    reserve: p.reserve ?? 0,
    assortment: ref(base, 'product', p.assortmentId),
  });

  app.get('/entity/customerorder/:id/positions', (c) => {
    const d = state.documents.find((x) => x.type === 'customerorder' && x.id === c.req.param('id'));
    if (!d) return notFound(c, c.req.param('id'));
    const base = apiBase(c);
    return json(c, {
      meta: {
        href: `${base}/entity/customerorder/${d.id}/positions`,
        type: 'customerorderposition',
        mediaType: MEDIA_TYPE,
        size: d.positions.length,
        limit: 1000,
        offset: 0,
      },
      rows: d.positions.map((p) => position(base, d, p)),
    });
  });

  app.put('/entity/customerorder/:id/positions/:pos', async (c) => {
    const d = state.documents.find((x) => x.type === 'customerorder' && x.id === c.req.param('id'));
    const p = d?.positions.find((x) => x.id === c.req.param('pos'));
    if (!d || !p) return notFound(c, c.req.param('pos'));
    const parsed = z
      .object({ reserve: z.number().nonnegative().optional(), quantity: z.number().positive().optional() })
      .safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return fail(c, 400, 3007, 'Ошибка валидации');
    if (parsed.data.quantity !== undefined) p.quantity = parsed.data.quantity;
    if (parsed.data.reserve !== undefined) {
      const next = Math.min(parsed.data.reserve, p.quantity);
      addUnassignedReserve(state, p.assortmentId, next - (p.reserve ?? 0));
      p.reserve = next;
    }
    d.updated = nextUpdated(d.updated);
    hooks.notify('customerorder', d.id, 'UPDATE', ['positions']);
    return json(c, position(apiBase(c), d, p));
  });

  app.get('/entity/paymentin/:id', (c) => {
    const d = state.documents.find((x) => x.type === 'paymentin' && x.id === c.req.param('id'));
    if (!d) return notFound(c, c.req.param('id'));
    const base = apiBase(c);
    return json(c, {
      meta: entityMeta(base, 'paymentin', d.id),
      id: d.id,
      name: d.name,
      moment: d.moment,
      updated: d.updated,
      sum: d.sum,
      agent: ref(base, 'counterparty', d.agentId),
      operations: (d.operations ?? []).map((o) => ({ ...ref(base, o.type, o.id), linkedSum: o.linkedSum })),
    });
  });

  app.get('/entity/webhook', (c) => {
    const base = apiBase(c);
    return json(c, {
      meta: {
        href: `${base}/entity/webhook`,
        type: 'webhook',
        mediaType: MEDIA_TYPE,
        size: state.webhooks.length,
        limit: 1000,
        offset: 0,
      },
      rows: state.webhooks.map((w) => ({
        meta: entityMeta(base, 'webhook', w.id),
        accountId: state.accountId,
        ...w,
      })),
    });
  });

  app.post('/entity/webhook', async (c) => {
    const parsed = WebhookBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success)
      return fail(c, 400, 3007, 'Ошибка валидации', parsed.error.issues[0]?.path.join('.'));
    const hook = { id: randomUUID(), ...parsed.data, enabled: true };
    state.webhooks.push(hook);
    return json(c, { meta: entityMeta(apiBase(c), 'webhook', hook.id), accountId: state.accountId, ...hook });
  });

  return app;
}

function addUnassignedReserve(state: EmulatorState, assortmentId: string, delta: number) {
  if (delta === 0) return;
  let row = state.unassigned.find((u) => u.assortmentId === assortmentId);
  if (!row) {
    row = { assortmentId, reserve: 0, inTransit: 0 };
    state.unassigned.push(row);
  }
  row.reserve = Math.max(0, row.reserve + delta);
}

/** What a person does in MoySklad's UI, for tests and benchmarks: a payment, a status change. */
export function loopControl(state: EmulatorState, hooks: WebhookSender) {
  const invoice = (id: string) => {
    const d = state.documents.find((x) => x.type === 'invoiceout' && x.id === id);
    if (!d) throw new Error(`no invoiceout ${id}`);
    return d;
  };
  return {
    /**
     * A customer pays (roubles): a paymentin linked to the invoice is created and the invoice's
     * payedSum grows. Webhooks: paymentin CREATE, then invoiceout UPDATE (payedSum).
     */
    pay(invoiceId: string, roubles: number) {
      const d = invoice(invoiceId);
      const kopecks = Math.round(roubles * 100);
      const now = moscowTime(new Date());
      const payment: Document = {
        id: randomUUID(),
        type: 'paymentin',
        name: String(state.documents.filter((x) => x.type === 'paymentin').length + 1).padStart(5, '0'),
        moment: now,
        created: now,
        updated: now,
        sum: kopecks,
        externalCode: randomUUID(),
        agentId: d.agentId,
        organizationId: d.organizationId,
        positions: [],
        operations: [{ type: 'invoiceout', id: d.id, linkedSum: kopecks }],
      };
      state.documents.push(payment);
      d.payedSum = (d.payedSum ?? 0) + kopecks;
      d.updated = nextUpdated(d.updated);
      hooks.notify('paymentin', payment.id, 'CREATE');
      hooks.notify('invoiceout', d.id, 'UPDATE', ['payedSum']);
      return payment.id;
    },
    /** Sets the invoice's user-defined status (e.g. "Отменен"). */
    setState(invoiceId: string, name: string) {
      const d = invoice(invoiceId);
      d.stateName = name;
      d.updated = nextUpdated(d.updated);
      hooks.notify('invoiceout', d.id, 'UPDATE', ['state']);
    },
    invoiceByExternalCode: (code: string) =>
      state.documents.find((d) => d.type === 'invoiceout' && d.externalCode === code),
    orders: () =>
      state.documents.filter((d) => d.type === 'customerorder' && !d.externalCode.startsWith('ext-')),
  };
}
