import { Hono } from 'hono';
import { z } from 'zod';
import { matches } from '../filter.js';
import { type Document, type EmulatorState, seededId } from '../state.js';
import { apiBase, entityMeta, fail, idFromHref, json, MEDIA_TYPE, ref, uiMeta } from '../wire.js';
import { notFound } from './counterparty.js';
import { requestFilter } from './filter-request.js';
import { listResponse, sortRows } from './list.js';
import { documentBody, newDocument } from './new-document.js';

const InvoiceBody = documentBody({ moment: z.string().optional() }, { vat: z.number().optional() });

/**
 * Customer orders and invoices: lists filtered by agent/externalCode, and invoice creation.
 * GET /entity/customerorder?filter=agent=<href> is a list like any entity
 * (https://dev.moysklad.ru/doc/api/remap/1.2/documents/#dokumenty-zakaz-pokupatelq): a customer
 * without orders gets an empty `rows`, never a 404. A failing sub-request (the orders or invoices
 * list alone) is injected with faults.failNext(n, status, { pathIncludes: '/entity/customerorder' }).
 */
export function documentRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  for (const type of ['customerorder', 'invoiceout'] as const) {
    app.get(`/entity/${type}`, (c) => {
      const conds = requestFilter(c, ['agent', 'externalCode', 'name', 'id', 'organization']);
      if (conds instanceof Response) return conds;
      const rows = state.documents.filter(
        (d) =>
          d.type === type &&
          matches(
            conds,
            (field) =>
              field === 'agent'
                ? d.agentId
                : field === 'organization'
                  ? d.organizationId
                  : (d[field as keyof Document] as string),
            // References are filtered by href; MoySklad resolves the href to the entity.
            (field, actual, wanted) =>
              field === 'agent' || field === 'organization'
                ? idFromHref(wanted) === actual
                : actual === wanted,
          ),
      );
      const sorted = sortRows(rows, c.req.query('order'), {
        moment: (d) => d.moment,
        created: (d) => d.created,
        name: (d) => d.name,
        sum: (d) => d.sum,
      });
      return listResponse(c, type, sorted, (d, base) =>
        serializeDocument(state, d, base, c.req.query('expand')),
      );
    });

    app.get(`/entity/${type}/:id`, (c) => {
      const doc = state.documents.find((d) => d.type === type && d.id === c.req.param('id'));
      if (!doc) return notFound(c, c.req.param('id'));
      return json(c, serializeDocument(state, doc, apiBase(c), c.req.query('expand')));
    });
  }

  // Like the real API, externalCode is not unique: posting the same one twice creates two invoices.
  app.post('/entity/invoiceout', async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return fail(c, 400, 2016, 'Ошибка формата JSON');
    }
    const parsed = InvoiceBody.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(
        c,
        400,
        3007,
        `Ошибка валидации: ${issue?.message ?? 'неверное тело запроса'}`,
        issue?.path.join('.'),
      );
    }
    const body = parsed.data;
    if (idFromHref(body.organization.meta.href, 'organization') !== state.organization.id) {
      return fail(c, 400, 3007, 'Ошибка валидации: неверная ссылка на юрлицо', 'organization');
    }
    const agentId = idFromHref(body.agent.meta.href, 'counterparty');
    if (!agentId || !state.counterparties.some((cp) => cp.id === agentId)) {
      return fail(c, 400, 3007, 'Ошибка валидации: неверная ссылка на контрагента', 'agent');
    }
    const positions = [];
    for (const [i, p] of body.positions.entries()) {
      // Positions reference any assortment: a product or a service (invoiceout positions docs).
      const id = idFromHref(p.assortment.meta.href);
      const product = state.products.find((x) => x.id === id) ?? state.services.find((x) => x.id === id);
      if (!product)
        return fail(c, 400, 3007, 'Ошибка валидации: неверная ссылка на товар', `positions[${i}].assortment`);
      positions.push({ assortmentId: product.id, quantity: p.quantity, price: Math.round(p.price ?? 0) });
    }
    state.invoiceCounter++;
    const doc = newDocument(state, 'invoiceout', {
      name: body.name ?? String(state.invoiceCounter).padStart(5, '0'),
      moment: body.moment,
      externalCode: body.externalCode,
      description: body.description,
      agentId,
      positions,
    });
    state.documents.push(doc);
    return json(c, serializeDocument(state, doc, apiBase(c)));
  });

  app.get('/entity/organization', (c) => {
    const conds = requestFilter(c, ['name', 'id', 'inn']);
    if (conds instanceof Response) return conds;
    const org = state.organization;
    const rows = matches(conds, (field) => org[field as keyof typeof org]) ? [org] : [];
    return listResponse(c, 'organization', rows, (o, base) => ({
      meta: entityMeta(base, 'organization', o.id),
      id: o.id,
      accountId: state.accountId,
      name: o.name,
      inn: o.inn,
      companyType: 'legal',
      archived: false,
    }));
  });

  return app;
}

export function serializeDocument(state: EmulatorState, d: Document, base: string, expand?: string) {
  return {
    meta: uiMeta(base, d.type, d.id),
    id: d.id,
    accountId: state.accountId,
    updated: d.updated,
    name: d.name,
    ...(d.description ? { description: d.description } : {}),
    externalCode: d.externalCode,
    moment: d.moment,
    applicable: true,
    rate: {
      currency: {
        meta: { href: `${base}/entity/currency/${state.accountId}`, type: 'currency', mediaType: MEDIA_TYPE },
      },
    },
    sum: d.sum,
    organization: ref(base, 'organization', d.organizationId),
    agent: ref(base, 'counterparty', d.agentId),
    created: d.created,
    printed: false,
    published: false,
    positions: {
      meta: {
        href: `${base}/entity/${d.type}/${d.id}/positions`,
        type: d.type === 'invoiceout' ? 'invoiceposition' : 'customerorderposition',
        mediaType: MEDIA_TYPE,
        size: d.positions.length,
        limit: 1000,
        offset: 0,
      },
    },
    vatEnabled: true,
    vatIncluded: true,
    vatSum: 0,
    // invoiceout.payedSum: the sum of payments linked to it (kopecks), see api/loop.ts.
    payedSum: d.payedSum ?? 0,
    shippedSum: 0,
    ...(d.stateName && {
      state: {
        meta: entityMeta(base, `${d.type}/metadata/states`, seededId(`state:${d.stateName}`)),
        ...(expand?.includes('state') && { name: d.stateName }),
      },
    }),
    ...(d.type === 'customerorder' && {
      reservedSum: d.positions.reduce((s, p) => s + (p.reserve ?? 0) * p.price, 0),
    }),
  };
}
