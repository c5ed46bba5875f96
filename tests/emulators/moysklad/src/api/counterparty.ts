import { Hono } from 'hono';
import { matches } from '../filter.js';
import type { Counterparty, EmulatorState } from '../state.js';
import { fail, json, MEDIA_TYPE, moscowTime, uiMeta } from '../wire.js';
import { searchMatches } from './counterparty-search.js';
import { requestFilter } from './filter-request.js';
import { listResponse } from './list.js';

const digits = (s: string) => s.replace(/\D/g, '');

/**
 * MoySklad matches phone filters loosely (by substring). The emulator normalises both sides to
 * digits and compares the last 10 (the Russian number without the 7/8 trunk prefix), so
 * '+7 (495) 123-45-67', '84951234567' and '4951234567' all find the same counterparty; shorter
 * queries match as a digit substring.
 */
export function phoneMatches(stored: string, wanted: string): boolean {
  const have = digits(stored);
  const want = digits(wanted);
  if (!want) return false;
  if (want.length >= 10) return have.slice(-10) === want.slice(-10);
  return have.includes(want);
}

export function counterpartyRoutes(state: EmulatorState, opts: { counterpartyReport: boolean }): Hono {
  const app = new Hono();

  app.get('/entity/counterparty', (c) => {
    const conds = requestFilter(c, ['inn', 'phone', 'email', 'name', 'id', 'externalCode']);
    if (conds instanceof Response) return conds;
    const search = c.req.query('search') ?? '';
    const rows = state.counterparties.filter(
      (cp) =>
        searchMatches(cp, search) &&
        matches(
          conds,
          (field) => cp[field as keyof Counterparty] as string,
          (field, actual, wanted) =>
            field === 'phone'
              ? phoneMatches(actual, wanted)
              : field === 'email'
                ? actual.toLowerCase() === wanted.toLowerCase()
                : actual === wanted,
        ),
    );
    return listResponse(c, 'counterparty', rows, (cp, base) => serializeCounterparty(state, cp, base));
  });

  app.get('/entity/counterparty/:id', (c) => {
    const cp = state.counterparties.find((x) => x.id === c.req.param('id'));
    if (!cp) return notFound(c, c.req.param('id'));
    return json(c, serializeCounterparty(state, cp, baseOf(c.req.url)));
  });

  app.get('/report/counterparty/:id', (c) => {
    if (!opts.counterpartyReport) {
      return fail(c, 403, 13004, 'Для просмотра показателей контрагентов необходима опция «CRM»');
    }
    const cp = state.counterparties.find((x) => x.id === c.req.param('id'));
    if (!cp) return notFound(c, c.req.param('id'));
    const base = baseOf(c.req.url);
    // Demands stand in for shipments: the dataset's orders are taken as shipped.
    const shipped = state.documents.filter((d) => d.type === 'customerorder' && d.agentId === cp.id);
    const lastDemand = shipped
      .map((d) => d.moment)
      .sort()
      .at(-1);
    const demandsSum = shipped.reduce((s, d) => s + d.sum, 0);
    return json(c, {
      meta: { href: `${base}/report/counterparty/${cp.id}`, type: 'counterparty', mediaType: MEDIA_TYPE },
      counterparty: {
        meta: uiMeta(base, 'counterparty', cp.id, 'company'),
        id: cp.id,
        name: cp.name,
        externalCode: cp.externalCode,
        companyType: cp.companyType,
      },
      ...(shipped.length
        ? { firstDemandDate: shipped.map((d) => d.moment).sort()[0], lastDemandDate: lastDemand }
        : {}),
      demandsCount: shipped.length,
      demandsSum,
      averageReceipt: shipped.length ? Math.round(demandsSum / shipped.length) : 0,
      returnsCount: 0,
      returnsSum: 0,
      discountsSum: 0,
      balance: cp.balance,
      bonusBalance: 0,
      profit: 0,
      ...(lastDemand ? { lastEventDate: lastDemand, lastEventText: 'Отгрузка' } : {}),
      updated: moscowTime(new Date()),
    });
  });

  return app;
}

export const baseOf = (url: string) => {
  const u = new URL(url);
  return `${u.origin}/api/remap/1.2`;
};

export const notFound = (c: Parameters<typeof fail>[0], id: string) =>
  fail(c, 404, 1021, `Объект с идентификатором '${id}' не найден`);

export function serializeCounterparty(state: EmulatorState, cp: Counterparty, base: string) {
  return {
    meta: uiMeta(base, 'counterparty', cp.id, 'company'),
    id: cp.id,
    accountId: state.accountId,
    updated: cp.created,
    name: cp.name,
    externalCode: cp.externalCode,
    archived: false,
    created: cp.created,
    companyType: cp.companyType,
    inn: cp.inn,
    email: cp.email,
    phone: cp.phone,
    tags: [],
    salesAmount: 0,
  };
}
