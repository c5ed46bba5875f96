import { describe, expect, it } from 'vitest';
import { WidgetLaneFull } from '../amocrm/rate-limit.js';
import { DomainError } from '../errors.js';
import { buildLeadStockReport, type LeadStockDeps } from './lead-stock.js';

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
