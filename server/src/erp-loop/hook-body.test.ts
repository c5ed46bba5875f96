import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hookTargets, MoySkladHookBody } from './hook-body.js';

describe('MoySklad webhook body', () => {
  it("parses the documentation's example notification (auditContext, updatedFields, accountId)", () => {
    // "Пример вебхука", https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-vebhuki
    const documented = {
      auditContext: {
        meta: {
          type: 'audit',
          href: 'https://online.moysklad.ru/api/remap/1.2/audit/75fe3b73-db16-11eb-c0a8-800d00000004',
        },
        moment: '2021-07-21 15:51:16',
        uid: 'test@test',
      },
      events: [
        {
          meta: {
            type: 'product',
            href: 'https://online.moysklad.ru/api/remap/1.2/entity/product/75c896d0-db16-11eb-c0a8-800d00000002',
          },
          updatedFields: ['name', 'description'],
          action: 'UPDATE',
          accountId: '9171a53c-b719-11eb-c0a8-800d00000001',
        },
      ],
    };
    const body = MoySkladHookBody.parse(documented);
    expect(hookTargets(body)).toEqual({ invoiceIds: [], paymentIds: [], payment: false });
    // Without auditContext and updatedFields (a webhook without diffType=FIELDS), as the older example.
    expect(
      MoySkladHookBody.safeParse({ events: [{ ...documented.events[0], updatedFields: undefined }] }).success,
    ).toBe(true);
  });

  it('names the invoices and the payments of invoiceout and paymentin events', () => {
    const body = MoySkladHookBody.parse({
      events: [
        {
          meta: {
            type: 'invoiceout',
            href: 'https://api.moysklad.ru/api/remap/1.2/entity/invoiceout/7944EF04-f831-11e5-7a69-971500188b19',
          },
          action: 'UPDATE',
          accountId: 'a',
        },
        {
          meta: {
            type: 'paymentin',
            href: 'https://api.moysklad.ru/api/remap/1.2/entity/paymentin/ad1ffc02-3f8e-11e6-8a84-bae5000000fa',
          },
          action: 'CREATE',
        },
        {
          meta: { type: 'paymentin', href: 'https://api.moysklad.ru/api/remap/1.2/entity/paymentin/1' },
          action: 'PROCESSED',
        },
      ],
    });
    expect(hookTargets(body)).toEqual({
      invoiceIds: ['7944ef04-f831-11e5-7a69-971500188b19'],
      paymentIds: ['ad1ffc02-3f8e-11e6-8a84-bae5000000fa'],
      payment: true,
    });
  });

  it('never throws on any JSON, and only UUID-shaped ids come out', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        const parsed = MoySkladHookBody.safeParse(raw);
        if (!parsed.success) return;
        const out = hookTargets(parsed.data);
        for (const id of [...out.invoiceIds, ...out.paymentIds]) expect(id).toMatch(/^[0-9a-f-]{36}$/);
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
