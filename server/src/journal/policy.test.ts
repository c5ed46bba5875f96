import { describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../lib/exchange.js';
import { journaled } from './policy.js';

const widget = (over: Partial<ExchangeRecord>): ExchangeRecord => ({
  at: 0,
  direction: 'in',
  system: 'widget',
  method: 'GET',
  path: '/api/v1/leads/1/stock',
  status: 200,
  latencyMs: 1,
  attempt: 1,
  outgoing: 0,
  ...over,
});

describe('which exchanges the journal keeps', () => {
  it('keeps every exchange with another system, whatever its status', () => {
    for (const system of ['amocrm', 'erp', 'webhook', 'dp'] as const)
      expect(
        journaled(widget({ system, direction: system === 'amocrm' || system === 'erp' ? 'out' : 'in' })),
      ).toBe(true);
  });

  it('keeps a widget call that failed, wrote, or reached amoCRM or the ERP', () => {
    expect(journaled(widget({ status: 502 }))).toBe(true);
    expect(journaled(widget({ status: 0 }))).toBe(true);
    expect(journaled(widget({ method: 'POST', path: '/api/v1/leads/1/invoice' }))).toBe(true);
    expect(journaled(widget({ outgoing: 2 }))).toBe(true);
  });

  it('leaves out a read answered from this backend alone', () => {
    expect(journaled(widget({}))).toBe(false);
    expect(journaled(widget({ method: 'HEAD', status: 304 }))).toBe(false);
  });
});
