import type { SettingsView } from '@erp-bridge/shared';
import { describe, expect, it } from 'vitest';
import { changedKeys, connectionInput, draftFrom, parseIds, settingsUpdate, withIds } from './form.js';

const VIEW: SettingsView = {
  guard: {
    enabled: true,
    gatedStages: [{ pipelineId: 8001, statusId: 80013 }],
    warehouseIds: null,
    unknownStock: 'warn',
    action: { type: 'move_back' },
    tag: 'Нет в наличии',
    createTask: true,
    taskResponsibleUserId: null,
    stockCheckedFieldId: null,
  },
  invoices: { allowedUserIds: [], allowedGroupIds: [], numberFieldId: null, addToInvoicesCatalog: false },
  fields: {
    skuFieldCode: 'SKU',
    priceFieldCode: 'PRICE',
    customerLookupOrder: ['inn', 'phone', 'email'],
    innFieldId: null,
  },
  erp: { kind: 'moysklad', apiBase: 'https://api.moysklad.ru/api/remap/1.2', secrets: { token: 'set' } },
  health: {
    installation: {
      accountId: 1,
      subdomain: 'x',
      status: 'active',
      authError: null,
      webhookUrl: 'https://erp.example/webhooks/amocrm/k',
      dpWebhookUrl: 'https://erp.example/webhooks/dp/k',
    },
    webhooks: { received: 0, pending: 0, lastReceivedAt: null },
    amocrm: { blockedUntil: null },
    erp: { circuit: 'closed' },
  },
};

describe('draftFrom', () => {
  it('takes public ERP fields and never fills a secret', () => {
    const draft = draftFrom(VIEW);
    expect(draft.erp).toEqual({
      kind: 'moysklad',
      fields: { apiBase: 'https://api.moysklad.ru/api/remap/1.2' },
      secrets: {},
    });
    expect(JSON.stringify(draft)).not.toContain('"token"');
  });
  it('copies sections, so editing the draft leaves the view alone', () => {
    const draft = draftFrom(VIEW);
    draft.guard.gatedStages.push({ pipelineId: 1, statusId: 2 });
    expect(VIEW.guard.gatedStages).toHaveLength(1);
  });
});

describe('settingsUpdate', () => {
  it('is empty when nothing changed', () => {
    expect(settingsUpdate(VIEW, draftFrom(VIEW))).toEqual({ ok: true, update: {} });
  });

  it('sends only the changed keys of the changed sections', () => {
    const draft = draftFrom(VIEW);
    draft.guard.tag = 'Нет на складе';
    draft.guard.gatedStages = [...draft.guard.gatedStages, { pipelineId: 8001, statusId: 80012 }];
    draft.ids.allowedUserIds = '5100001, 5100002';
    expect(settingsUpdate(VIEW, draft)).toEqual({
      ok: true,
      update: {
        guard: {
          tag: 'Нет на складе',
          gatedStages: [
            { pipelineId: 8001, statusId: 80013 },
            { pipelineId: 8001, statusId: 80012 },
          ],
        },
        invoices: { allowedUserIds: [5100001, 5100002] },
      },
    });
  });

  it('never sends an empty secret: the connection is left out, or sent without it', () => {
    const draft = draftFrom(VIEW);
    draft.erp.secrets.token = '';
    expect(settingsUpdate(VIEW, draft)).toEqual({ ok: true, update: {} });
    draft.erp.secrets.token = '   ';
    expect(settingsUpdate(VIEW, draft)).toEqual({ ok: true, update: {} });
    draft.erp.fields.apiBase = 'https://ms.example/api/remap/1.2';
    const result = settingsUpdate(VIEW, draft);
    expect(result).toEqual({
      ok: true,
      update: { erp: { kind: 'moysklad', apiBase: 'https://ms.example/api/remap/1.2' } },
    });
    expect(JSON.stringify(result)).not.toContain('token');
  });

  it('sends a typed secret with the whole connection', () => {
    const draft = draftFrom(VIEW);
    draft.erp.secrets.token = 'new-token';
    expect(settingsUpdate(VIEW, draft)).toEqual({
      ok: true,
      update: {
        erp: { kind: 'moysklad', apiBase: 'https://api.moysklad.ru/api/remap/1.2', token: 'new-token' },
      },
    });
  });

  it('sends the new kind with its own fields when the kind changes; secrets of the old kind stay behind', () => {
    const draft = draftFrom(VIEW);
    draft.erp.secrets.token = 'typed-before-switching';
    draft.erp.kind = 'onec';
    draft.erp.fields.odataUrl = ' https://1c.example/odata/standard.odata ';
    draft.erp.fields.user = 'bridge';
    expect(settingsUpdate(VIEW, draft)).toEqual({
      ok: true,
      update: { erp: { kind: 'onec', odataUrl: 'https://1c.example/odata/standard.odata', user: 'bridge' } },
    });
  });

  it('refuses id lists that are not numbers, naming the field', () => {
    const draft = draftFrom(VIEW);
    draft.ids.allowedGroupIds = '3, x';
    expect(settingsUpdate(VIEW, draft)).toEqual({
      ok: false,
      errors: [{ field: 'invoices.allowedGroupIds', message: 'bad_ids' }],
    });
  });
});

describe('connectionInput', () => {
  it('refuses "move to a stage" without a stage', () => {
    const draft = draftFrom(VIEW);
    draft.guard.action = { type: 'move_to', stage: { pipelineId: 0, statusId: 0 } };
    expect(settingsUpdate(VIEW, draft)).toEqual({
      ok: false,
      errors: [{ field: 'guard.action.stage', message: 'stage_required' }],
    });
  });

  it('keeps picked ids and their typed text in step', () => {
    const draft = withIds(draftFrom(VIEW), 'allowedUserIds', [7, 9]);
    expect(draft.ids.allowedUserIds).toBe('7, 9');
    expect(settingsUpdate(VIEW, draft)).toMatchObject({
      ok: true,
      update: { invoices: { allowedUserIds: [7, 9] } },
    });
  });

  it('drops blank public fields (the server fills defaults)', () => {
    expect(connectionInput({ kind: 'local', fields: { storeId: ' ' }, secrets: {} })).toEqual({
      kind: 'local',
    });
  });
});

describe('parseIds and changedKeys', () => {
  it('parses commas, spaces and semicolons', () => {
    expect(parseIds('1, 2;3  4')).toEqual([1, 2, 3, 4]);
    expect(parseIds('')).toEqual([]);
    expect(parseIds('1.5')).toBeNull();
    expect(parseIds('-1')).toBeNull();
  });
  it('compares deeply', () => {
    expect(changedKeys({ a: [1], b: { c: 1 } }, { a: [1], b: { c: 1 } })).toBeNull();
    expect(changedKeys({ a: [1], b: { c: 1 } }, { a: [1], b: { c: 2 } })).toEqual({ b: { c: 2 } });
  });
});
