import { importStockCsv } from '@erp-bridge/server/local-stock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLead, linkProducts } from '../support/amo-api.js';
import { type Stack, startStack } from '../support/stack.js';
import {
  enableGuard,
  installationOf,
  leadOf,
  notesOf as notesOfLead,
  settle as settleStack,
  tasksOf as tasksOfLead,
  webhookSubscribed,
} from '../support/stack-state.js';
import { widgetCall } from '../support/widget-api.js';

const ACCOUNT = 31000001;
const PIPELINE = 8001;
const NEGOTIATION = 80012;
const INVOICED = 80013; // the gated stage
const CATALOG = 7001;
const TAG = 'Нет в наличии';
let stack: Stack;

const settle = () => settleStack(stack);
const lead = (id: number) => leadOf(stack, id);
const installation = () => installationOf(stack, ACCOUNT);
const notesOf = (id: number) => notesOfLead(stack, id);
const tasksOf = (id: number) => tasksOfLead(stack, id);
const productId = (sku: string) => ({ 'DRL-18V': 500101, 'GLV-NIT-L': 500104, 'TAPE-50': 500105 })[sku] ?? 0;

/** A deal created through the API (a web form, an import) in a stage, then given products. */
async function createDeal(statusId: number, products: [string, number][]): Promise<number> {
  const id = await createLead(stack, {
    name: `Form deal ${Date.now()}`,
    pipeline_id: PIPELINE,
    status_id: statusId,
  });
  await linkProducts(
    stack,
    id,
    products.map(([sku, quantity]) => [productId(sku), quantity]),
    CATALOG,
  );
  return id;
}

beforeAll(async () => {
  stack = await startStack({ emulator: { rateLimitPerSecond: 7 } });
  await webhookSubscribed(stack);
  await enableGuard(stack, ACCOUNT, [{ pipelineId: PIPELINE, statusId: INVOICED }], {
    action: { type: 'move_back' },
    createTask: true,
    tag: TAG,
  });
});
afterAll(() => stack?.close());

describe('stock guard against the emulators', () => {
  it('leaves a deal created in stock alone', async () => {
    const id = await createDeal(INVOICED, [['DRL-18V', 2]]);
    await settle();
    expect(lead(id).statusId).toBe(INVOICED);
    expect(lead(id).tags.map((t) => t.name)).not.toContain(TAG);
    expect(notesOf(id)).toHaveLength(0);
    expect(tasksOf(id)).toHaveLength(0);
    const history = await stack.server.services.guard.history(await installation(), id);
    expect(history.latest?.verdict).toBe('ok');
  });

  it('blocks a deal created short with one note, one task and the tag — exactly once, despite the hooks its own writes cause', async () => {
    const id = await createDeal(INVOICED, [['GLV-NIT-L', 200]]);
    await settle();
    expect(lead(id).tags.map((t) => t.name)).toContain(TAG);
    expect(notesOf(id)).toHaveLength(1);
    expect(String(notesOf(id)[0]?.params.text)).toMatch(/GLV-NIT-L.*200.*100/s);
    expect(tasksOf(id)).toHaveLength(1);
    // Our PATCH (tag) made amoCRM send update_lead; processing it wrote nothing more.
    const deliveriesToUs = stack.emulator.state.webhookDeliveries.filter(
      (d) => d.body.includes(`%5Bid%5D=${id}`) || d.body.includes(`[id]=${id}`),
    );
    expect(deliveriesToUs.length).toBeGreaterThanOrEqual(2);
  });

  it('reverts a move into a gated stage while short, and ignores duplicate and replayed hooks', async () => {
    const before = lead(1002).statusId; // GLV-NIT-L x200 (free 100), TAPE-50 x10
    expect(before).not.toBe(INVOICED);
    expect(stack.emulator.state.uiMoveLead(1002, INVOICED).ok).toBe(true);
    await settle();
    expect(lead(1002).statusId).toBe(before);
    expect(lead(1002).tags.map((t) => t.name)).toContain(TAG);
    expect(notesOf(1002)).toHaveLength(1);
    expect(tasksOf(1002)).toHaveLength(1);

    // amoCRM re-delivers the very same bodies (duplicates) and someone replays them later.
    const inst = await stack.server.services.installations.findActive(ACCOUNT);
    const hookUrl = `${stack.backend}/webhooks/amocrm/${inst?.hookKey}`;
    const bodies = stack.emulator.state.webhookDeliveries
      .filter((d) => d.destination === hookUrl)
      .map((d) => d.body);
    for (const body of bodies) {
      const res = await fetch(hookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(res.status).toBe(204);
    }
    await settle();
    expect(notesOf(1002)).toHaveLength(1);
    expect(tasksOf(1002)).toHaveLength(1);
    expect(lead(1002).statusId).toBe(before);
  });

  it('unblocks after a restock: tag removed, "unblocked" note, and the card shows the decision', async () => {
    await importStockCsv(
      stack.server.services.database.db,
      'sku,name,warehouse_id,warehouse_name,stock,reserve\nGLV-NIT-L,"Перчатки нитриловые, размер L",msk,"Москва, основной",500,20\n',
    );
    stack.server.services.erp.invalidate(ACCOUNT);
    const res = await widgetCall(stack.backend, 'POST', '/api/v1/leads/1002/stock-check');
    expect(res.status).toBe(200);
    const { record } = await res.json();
    expect(record.verdict).toBe('ok');
    expect(record.actions).toEqual(
      expect.arrayContaining([{ type: 'tag_removed', tag: TAG }, { type: 'note_unblocked' }]),
    );
    await settle();
    expect(lead(1002).tags.map((t) => t.name)).not.toContain(TAG);
    expect(notesOf(1002)).toHaveLength(2);
    expect(String(notesOf(1002)[1]?.params.text)).toMatch(/разблокирована/);

    const guardRes = await widgetCall(stack.backend, 'GET', '/api/v1/leads/1002/guard');
    const history = await guardRes.json();
    expect(history.enabled).toBe(true);
    expect(history.latest.verdict).toBe('ok');
    expect(history.history.map((h: { verdict: string }) => h.verdict)).toContain('blocked');
  });

  it('runs the check from a Digital Pipeline action', async () => {
    const id = await createDeal(NEGOTIATION, [['DRL-18V', 500]]);
    await settle();
    const inst = await stack.server.services.installations.findActive(ACCOUNT);
    const res = await fetch(`${stack.backend}/webhooks/dp/${inst?.hookKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        event: {
          type: 14,
          type_code: 'lead_status_changed',
          data: { id, element_type: 2, status_id: INVOICED, pipeline_id: PIPELINE },
          time: Math.floor(Date.now() / 1000) + 5,
        },
        action: { settings: { widget: { settings: {} } } },
        subdomain: 'erpbridgedemo',
        account_id: ACCOUNT,
      }),
    });
    expect(res.status).toBe(204);
    await settle();
    const history = await stack.server.services.guard.history(await installation(), id);
    expect(history.history.some((h) => h.cause === 'digital_pipeline')).toBe(true);
  });
});
