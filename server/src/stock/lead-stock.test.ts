import { describe, expect, it } from 'vitest';
import { WidgetLaneFull } from '../amocrm/rate-limit.js';
import type { StockSnapshot } from '../erp/connector.js';
import { DomainError } from '../errors.js';
import { buildLeadStockReport, cardVerdict, type LeadStockDeps } from './lead-stock.js';

const erp: LeadStockDeps['erp'] = {
  kind: 'local',
  getStock: async () => {
    throw new Error('not reached');
  },
};

describe('a card read amoCRM budget cannot serve in time', () => {
  it('is a 429 request.rate_limited with Retry-After in whole seconds, not a 5xx', async () => {
    const deps: LeadStockDeps = {
      leads: {
        read: async () => {
          throw new WidgetLaneFull(5_200);
        },
      },
      erp,
    };
    const err = await buildLeadStockReport(deps, 42).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'request.rate_limited', status: 429 });
    expect((err as DomainError).headers['Retry-After']).toBe('6');
  });
});

describe('the card verdict', () => {
  const lines = [
    { elementId: 1, sku: 'DRL-18V', name: 'Drill', quantity: 3, price: { amount: 100, currency: 'RUB' } },
  ];
  const snapshot = (free: number): StockSnapshot => ({
    asOf: new Date('2026-12-02T12:00:00Z'),
    items: new Map([
      [
        'DRL-18V',
        {
          sku: 'DRL-18V',
          name: 'Drill',
          price: null,
          warehouses: [{ warehouseId: 'w1', warehouseName: 'Main', free }],
        },
      ],
    ]),
  });

  it('is computed once per cached snapshot and deal, and again for a new read of either', () => {
    const first = snapshot(5);
    const verdict = cardVerdict(lines, first, undefined);
    expect(verdict.status).toBe('ok');
    // A burst of card reads of the same cached inputs shares the computation.
    expect(cardVerdict(lines, first, undefined)).toBe(verdict);
    // A new ERP read (a new snapshot) or another warehouse rule is judged afresh.
    expect(cardVerdict(lines, snapshot(2), undefined).status).toBe('short');
    const other = ['w2'];
    expect(cardVerdict(lines, first, other)).not.toBe(verdict);
    expect(cardVerdict(lines, first, other).status).not.toBe('ok');
    // A new read of the deal (new lines) is a new key, too.
    expect(cardVerdict([{ ...lines[0], quantity: 9 } as (typeof lines)[0]], first, undefined).status).toBe(
      'short',
    );
  });
});

describe('the card report', () => {
  const lines = [{ elementId: 1, sku: 'DRL-18V', name: 'Дрель', quantity: 1, price: null }];
  const snapshot: StockSnapshot = {
    asOf: new Date('2026-12-02T12:00:00Z'),
    items: new Map([
      [
        'DRL-18V',
        {
          sku: 'DRL-18V',
          name: 'Дрель',
          price: null,
          warehouses: [{ warehouseId: 'w1', warehouseName: 'Основной', free: 4 }],
        },
      ],
    ]),
  };
  const depsWith = (stale: boolean, deal = { lines }): LeadStockDeps => ({
    leads: { read: async () => deal as never },
    erp: { kind: 'local', getStock: async () => ({ value: snapshot, asOf: snapshot.asOf, stale }) },
  });

  it('is one shared object per deal state, so its answer is serialized once; a change is a new report', async () => {
    const fresh = depsWith(false);
    const first = await buildLeadStockReport(fresh, 7);
    expect(first).toMatchObject({ leadId: 7, status: 'ok', stale: false, source: 'local' });
    expect(await buildLeadStockReport(fresh, 7)).toBe(first);
    // The ERP went down and the same snapshot is served as the last known: the report says so.
    const stale = await buildLeadStockReport(depsWith(true), 7);
    expect(stale).not.toBe(first);
    expect(stale.stale).toBe(true);
    // The same lines under another deal id never answer with the first deal's id.
    const other = await buildLeadStockReport(fresh, 8);
    expect(other.leadId).toBe(8);
    // A new read of the deal (new lines) is judged afresh.
    const more = await buildLeadStockReport(
      depsWith(false, { lines: [{ ...lines[0], quantity: 9 }] } as never),
      7,
    );
    expect(more.status).toBe('short');
  });
});
