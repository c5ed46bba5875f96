import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.js';
import { widgetCall } from '../support/widget-api.js';

let stack: Stack;

const call = (method: 'GET' | 'PUT', body?: unknown) =>
  widgetCall(stack.backend, method, '/api/v1/settings', { body, user: { userId: 5, isAdmin: true } });

const id = fc.integer({ min: 1, max: 2_000_000_000 });
const word = fc.stringMatching(/^[A-Za-zА-Яа-я0-9_][A-Za-zА-Яа-я0-9_ -]{0,20}[A-Za-zА-Яа-я0-9_]$/);
const stage = fc.record({ pipelineId: id, statusId: id });

/** A complete, valid settings object (every field named), as the settings page could save it. */
const fullSettings = fc.record({
  guard: fc.record({
    enabled: fc.boolean(),
    gatedStages: fc.array(stage, { maxLength: 4 }),
    warehouseIds: fc.option(fc.array(word, { minLength: 1, maxLength: 3 }), { nil: null }),
    unknownStock: fc.constantFrom('block', 'warn'),
    action: fc.oneof(
      fc.constant({ type: 'move_back' }),
      fc.constant({ type: 'flag_only' }),
      stage.map((s) => ({ type: 'move_to', stage: s })),
    ),
    tag: word,
    createTask: fc.boolean(),
    taskResponsibleUserId: fc.option(id, { nil: null }),
    stockCheckedFieldId: fc.option(id, { nil: null }),
  }),
  invoices: fc.record({
    allowedUserIds: fc.array(id, { maxLength: 4 }),
    allowedGroupIds: fc.array(fc.nat({ max: 1000 }), { maxLength: 3 }),
    numberFieldId: fc.option(id, { nil: null }),
    addToInvoicesCatalog: fc.boolean(),
  }),
  fields: fc.record({
    skuFieldCode: word,
    priceFieldCode: word,
    customerLookupOrder: fc.shuffledSubarray(['inn', 'phone', 'email'], { minLength: 1 }),
    innFieldId: fc.option(id, { nil: null }),
  }),
});
type Settings = Record<'guard' | 'invoices' | 'fields', Record<string, unknown>>;

/** A random subset of another valid object: some sections, some fields of each. */
const subsetOf = (s: Settings) =>
  fc
    .record({
      guard: fc.subarray(Object.keys(s.guard)),
      invoices: fc.subarray(Object.keys(s.invoices)),
      fields: fc.subarray(Object.keys(s.fields)),
    })
    .map((keys) => {
      const patch: Partial<Settings> = {};
      for (const section of ['guard', 'invoices', 'fields'] as const) {
        if (keys[section].length === 0) continue;
        patch[section] = Object.fromEntries(keys[section].map((k) => [k, s[section][k]]));
      }
      return patch;
    });

const pick = (view: Settings): Settings => ({
  guard: view.guard,
  invoices: view.invoices,
  fields: view.fields,
});

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe('a settings PUT changes exactly the fields it names', () => {
  it('keeps the guard on and its stages when only the tag changes; keeps allowed users when the number field changes', async () => {
    const saved = await call('PUT', {
      guard: { enabled: true, gatedStages: [{ pipelineId: 1, statusId: 2 }] },
      invoices: { allowedUserIds: [7, 8] },
    });
    expect(saved.status).toBe(200);
    await call('PUT', { guard: { tag: 'X' } });
    await call('PUT', { invoices: { numberFieldId: 5 } });
    const view = await (await call('GET')).json();
    expect(view.guard).toMatchObject({
      enabled: true,
      gatedStages: [{ pipelineId: 1, statusId: 2 }],
      tag: 'X',
    });
    expect(view.invoices).toMatchObject({ allowedUserIds: [7, 8], numberFieldId: 5 });
  });

  it('for random stored settings and random subsets: GET after PUT = stored merged with the subset', async () => {
    await fc.assert(
      fc.asyncProperty(
        fullSettings,
        fullSettings.chain((other) => subsetOf(other as Settings)),
        async (stored, patch) => {
          expect((await call('PUT', stored)).status).toBe(200);
          const before = pick(await (await call('GET')).json());
          expect(before).toEqual(stored);
          const res = await call('PUT', patch);
          expect(res.status).toBe(200);
          const after = pick(await (await call('GET')).json());
          expect(after).toEqual({
            guard: { ...before.guard, ...patch.guard },
            invoices: { ...before.invoices, ...patch.invoices },
            fields: { ...before.fields, ...patch.fields },
          });
        },
      ),
      { numRuns: 40 },
    );
  });
});
