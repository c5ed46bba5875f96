import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRestMapping } from '../../server/src/erp/rest/connector.js';
import { findUncleanText } from '../../server/src/lib/clean-text.js';
import { ERPNEXT_API_KEY, ERPNEXT_API_SECRET, startErpNextEmulator } from '../emulators/erpnext/index.js';
import { startMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { startOneCEmulator } from '../emulators/onec/src/index.js';
import { type Stack, startStack, TEST_SECRET } from '../support/stack.js';
import { signDisposableToken } from '../support/tokens.js';

/**
 * Text inside an ERP's or amoCRM's answer that is not clean (a NUL, an unpaired surrogate, a
 * control character: what a broken import or a bad byte leaves in a product or warehouse name)
 * must not break a panel, a database write (PostgreSQL refuses \u0000 in text and jsonb) or a
 * note. The emulators are made to answer with such names; JSON carries them faithfully
 * ("\u0000", "\ud800"), so the connector receives exactly what a real ERP would send.
 */
const DIRTY = '\u0000\ud800\u001b\u007f';
const ACCOUNT = 31000001;
// biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

type Setup = () => Promise<{ env: Record<string, string>; close(): Promise<void> }>;

const erps: { name: string; setup: Setup }[] = [
  {
    name: 'MoySklad',
    async setup() {
      const erp = await startMoySkladEmulator({ token: 'clean-text' });
      for (const store of erp.state.stores) store.name = `${store.name}${DIRTY}`;
      for (const product of erp.state.products) product.name = `${DIRTY}${product.name}`;
      return {
        env: { ERP_KIND: 'moysklad', MOYSKLAD_TOKEN: 'clean-text', MOYSKLAD_API_BASE: erp.url },
        close: () => erp.close(),
      };
    },
  },
  {
    name: '1C',
    async setup() {
      const erp = await startOneCEmulator({ user: 'Администратор', password: 'пароль' });
      for (const row of erp.state.sets.get('Catalog_Склады')?.rows ?? [])
        row.Description = `${row.Description}${DIRTY}`;
      for (const row of erp.state.sets.get('Catalog_Номенклатура')?.rows ?? [])
        row.Description = `${DIRTY}${row.Description}`;
      return {
        env: {
          ERP_KIND: 'onec',
          ONEC_ODATA_URL: erp.url,
          ONEC_USER: 'Администратор',
          ONEC_PASSWORD: 'пароль',
        },
        close: () => erp.close(),
      };
    },
  },
  {
    name: 'ERPNext (REST)',
    async setup() {
      const erp = await startErpNextEmulator();
      for (const doc of erp.state.docs.get('Warehouse') ?? [])
        doc.warehouse_name = `${doc.warehouse_name}${DIRTY}`;
      for (const doc of erp.state.docs.get('Item') ?? []) doc.item_name = `${DIRTY}${doc.item_name}`;
      const example = fileURLToPath(
        new URL('../../server/src/erp/rest/examples/erpnext.json', import.meta.url),
      );
      const mapping = {
        ...loadRestMapping(example, { ERPNEXT_API_KEY, ERPNEXT_API_SECRET }),
        baseUrl: erp.url,
      };
      return { env: { ERP_KIND: 'rest', REST_MAPPING: JSON.stringify(mapping) }, close: () => erp.close() };
    },
  },
];

describe.each(erps)('unclean text in $name answers', ({ setup }) => {
  let stack: Stack;
  let closeErp: (() => Promise<void>) | undefined;
  // The emulator and the stack start in a hook, on its own budget: a loaded machine's slow start
  // is not charged to the checks below.
  beforeAll(async () => {
    const erp = await setup();
    closeErp = erp.close;
    stack = await startStack({ env: erp.env, emulator: { rateLimitPerSecond: 7 } });
  });
  afterAll(async () => {
    await stack?.close();
    await closeErp?.();
  });

  it('still paints the panel, stores the guard decision and writes the note, all in clean text', async () => {
    // amoCRM's answers too: the deal's product names come from its catalog.
    for (const el of stack.emulator.state.elements.values()) el.name = `${el.name}${DIRTY}`;

    const token = await signDisposableToken(TEST_SECRET, {
      iss: 'https://erpbridgedemo.amocrm.ru',
      aud: stack.backend,
      account_id: ACCOUNT,
      user_id: 5,
    });
    const res = await fetch(`${stack.backend}/api/v1/leads/1002/stock`, {
      headers: { 'X-Auth-Token': token },
    });
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report.lines.length).toBe(2);
    expect(findUncleanText(report)).toBeNull();
    expect(JSON.stringify(report)).not.toMatch(CONTROL);
    const warehouses = report.lines.flatMap((l: { warehouses: { warehouseName: string }[] }) => l.warehouses);
    expect(warehouses.length).toBeGreaterThan(0);
    expect(warehouses.every((w: { warehouseName: string }) => w.warehouseName.length > 0)).toBe(true);

    // Deal 1002 is short: the guard (on by default, flag only) decides, stores the decision with
    // the warehouses' names in the database and writes a note naming them.
    const inst = await stack.server.services.installations.findActive(ACCOUNT);
    if (!inst) throw new Error('not installed');
    const record = await stack.server.services.guard.checkNow(inst, 1002);
    expect(record?.verdict).toBe('blocked');
    expect(findUncleanText(record)).toBeNull();
    const notes = [...stack.emulator.state.notes.values()].filter((n) => n.entityId === 1002);
    expect(notes.length).toBeGreaterThan(0);
    for (const n of notes) {
      expect(findUncleanText(n.params)).toBeNull();
      expect(JSON.stringify(n.params)).not.toMatch(CONTROL);
    }
  });
});
