import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, TEST_SECRET } from '../support/stack.js';
import { signDisposableToken } from '../support/tokens.js';

const ACCOUNT = 31000001;
const PIPELINE = 8001;
const INVOICED = 80013; // the gated stage
const CATALOG = 7001;
let stack: Stack;

async function api(path: string, method: string, body: unknown) {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(`${stack.emulator.url}/api/v4${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (r.status === 429 && attempt < 10) {
      await new Promise((done) => setTimeout(done, 1000));
      continue;
    }
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status}`);
    return r.json();
  }
}

beforeAll(async () => {
  stack = await startStack({ emulator: { rateLimitPerSecond: 7 } });
  await stack.server.services.accountSettings.update(ACCOUNT, {
    guard: {
      enabled: true,
      gatedStages: [{ pipelineId: PIPELINE, statusId: INVOICED }],
      unknownStock: 'block',
    },
  });
});
afterAll(() => stack?.close());

describe('a service line (catalog element without an SKU) is not a stock line', () => {
  it('is shown as a service, never unknown, and does not block the guard even when unknown stock blocks', async () => {
    // "Доставка" in the products catalog, with no SKU field: a service.
    const created = await api(`/catalogs/${CATALOG}/elements`, 'POST', [{ name: 'Доставка' }]);
    const serviceId = created._embedded.elements[0].id as number;
    const lead = await api('/leads', 'POST', [
      { name: 'Deal with delivery', pipeline_id: PIPELINE, status_id: INVOICED },
    ]);
    const leadId = lead._embedded.leads[0].id as number;
    await api(`/leads/${leadId}/link`, 'POST', [
      {
        to_entity_id: 500101,
        to_entity_type: 'catalog_elements',
        metadata: { quantity: 1, catalog_id: CATALOG },
      },
      {
        to_entity_id: serviceId,
        to_entity_type: 'catalog_elements',
        metadata: { quantity: 1, catalog_id: CATALOG },
      },
    ]);

    const token = await signDisposableToken(TEST_SECRET, {
      iss: 'https://erpbridgedemo.amocrm.ru',
      aud: stack.backend,
      account_id: ACCOUNT,
      user_id: 5,
    });
    const report = await (
      await fetch(`${stack.backend}/api/v1/leads/${leadId}/stock`, { headers: { 'X-Auth-Token': token } })
    ).json();
    const service = report.lines.find((l: { elementId: number }) => l.elementId === serviceId);
    expect(service).toMatchObject({ kind: 'service', status: 'ok', sku: null });
    expect(report.status).toBe('ok');

    const inst = await stack.server.services.installations.findActive(ACCOUNT);
    if (!inst) throw new Error('not installed');
    const record = await stack.server.services.guard.checkNow(inst, leadId);
    expect(record?.verdict).toBe('ok');
    expect(record?.reasons).toEqual([]);
  });
});
