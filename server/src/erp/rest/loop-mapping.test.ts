import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRestConnector } from './connector.js';
import { strictVersion } from './invoice-status.js';
import { parseRestMapping, RestMappingError } from './mapping.js';

const erpnext = () =>
  JSON.parse(
    readFileSync(fileURLToPath(new URL('./examples/erpnext.json', import.meta.url)), 'utf8'),
  ) as Record<string, Record<string, unknown>>;
const env = { ERPNEXT_API_KEY: 'k', ERPNEXT_API_SECRET: 's' };

function problem(json: unknown): string {
  try {
    parseRestMapping(json, env);
  } catch (e) {
    if (e instanceof RestMappingError) return e.message;
    throw e;
  }
  return 'valid';
}

describe('the loop blocks of a REST mapping', () => {
  it('gives the connector a capability exactly when its block is mapped', () => {
    const full = createRestConnector(parseRestMapping(erpnext(), env));
    expect([!!full.invoiceStatus, !!full.createOrder, !!full.releaseOrder]).toEqual([true, true, true]);
    const { invoiceStatus: _i, createOrder: _c, releaseOrder: _r, ...bare } = erpnext();
    const none = createRestConnector(parseRestMapping(bare, env));
    expect([none.invoiceStatus, none.createOrder, none.releaseOrder, none.subscribe]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('fails at load with the JSON path: paid and outstanding both, release without create, a placeholder the block has not', () => {
    const both = erpnext();
    const is = both.invoiceStatus as { response: { fields: Record<string, string> } };
    is.response.fields.paid = 'paid_amount';
    expect(problem(both)).toBe(
      'REST mapping is invalid at invoiceStatus.response.fields.paid: map exactly one of "paid" or "outstanding"',
    );
    const { createOrder: _c, ...releaseOnly } = erpnext();
    expect(problem(releaseOnly)).toContain('at releaseOrder: releaseOrder needs createOrder');
    const typo = erpnext();
    (typo.releaseOrder as { requests: { urlTemplate: string }[] }).requests[0] = {
      urlTemplate: '/api/resource/Sales Order/{invoiceId}',
    };
    expect(problem(typo)).toContain(
      'at releaseOrder.requests[0].urlTemplate: unknown placeholder {invoiceId}',
    );
    const badState = erpnext();
    (badState.createOrder as { states: unknown[] }).states = [
      { path: 'docstatus', values: [1], state: 'paid' },
    ];
    expect(problem(badState)).toContain('createOrder.states[0].state');
  });

  it('versions order by the ERP stamp first, then by progress within one stamp', () => {
    const a = strictVersion('2026-12-02 10:00:00', 'partially_paid', 400);
    const b = strictVersion('2026-12-02 10:00:00', 'paid', 1000);
    const c = strictVersion('2026-12-02 10:00:01', 'issued', 0);
    expect(a < b && b < c).toBe(true);
    expect(strictVersion('x', 'partially_paid', 99.99) < strictVersion('x', 'partially_paid', 100)).toBe(
      true,
    );
  });
});
