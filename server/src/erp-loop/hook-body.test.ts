import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hookTargets, MoySkladHookBody } from './hook-body.js';

describe('MoySklad webhook body', () => {
  it('reads invoice ids and payments from the documented shape', () => {
    const body = MoySkladHookBody.parse({
      auditContext: { meta: { type: 'audit', href: 'x' }, uid: 'admin@x', moment: '2026-01-01 10:00:00' },
      events: [
        {
          meta: {
            type: 'invoiceout',
            href: 'https://api.moysklad.ru/api/remap/1.2/entity/invoiceout/7944ef04-f831-11e5-7a69-971500188b19',
          },
          action: 'UPDATE',
          accountId: 'a',
          updatedFields: ['payedSum'],
        },
        {
          meta: { type: 'paymentin', href: 'https://api.moysklad.ru/api/remap/1.2/entity/paymentin/1' },
          action: 'CREATE',
        },
      ],
    });
    expect(hookTargets(body)).toEqual({
      invoiceIds: ['7944ef04-f831-11e5-7a69-971500188b19'],
      payment: true,
    });
  });

  it('never throws on any JSON, and only UUID-shaped ids come out', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        const parsed = MoySkladHookBody.safeParse(raw);
        if (!parsed.success) return;
        for (const id of hookTargets(parsed.data).invoiceIds) expect(id).toMatch(/^[0-9a-f-]{36}$/);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            meta: fc.record({ type: fc.constantFrom('invoiceout', 'paymentin', 'x'), href: fc.string() }),
            action: fc.string({ maxLength: 16 }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (events) => {
          const out = hookTargets(MoySkladHookBody.parse({ events }));
          expect(out.invoiceIds.every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
