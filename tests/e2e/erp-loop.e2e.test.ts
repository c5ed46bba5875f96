import { DEMO_ACCOUNT } from '@erp-bridge/emulator-amocrm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../../scripts/demo.js';
import { type StartedMoySkladEmulator, startMoySkladEmulator } from '../emulators/moysklad/src/index.js';
import { widgetAxeViolations } from '../support/axe.js';
import { browserRequired, findChromium, launchChromium } from '../support/browser.js';
import { startTestDemo } from '../support/demo.js';
import { screenshotPath } from '../support/screenshots.js';
import { signDisposableToken } from '../support/tokens.js';
import { until } from '../support/wait.js';
import { assertNoOverflow, setColumnWidth } from '../support/widget-page.js';

// Issue 15: the deal card shows the ERP's side of the deal: the order with its reserve and the
// invoice's payment state, with links into MoySklad.
const SECRET = 'e2e-loop-client-secret-0123456789abcdef';
const MS_TOKEN = 'e2e-loop-moysklad-token';
const LEAD = 1001;
const PIPELINE = DEMO_ACCOUNT.pipelineId;
const RESERVE = 80012;
const canRun = browserRequired || Boolean(findChromium());

let demo: Demo;
let moysklad: StartedMoySkladEmulator;
let browser: Browser;
let backend: string;

async function api(method: string, path: string, opts: { body?: unknown; key?: string } = {}) {
  const token = await signDisposableToken(SECRET, {
    iss: `https://${DEMO_ACCOUNT.subdomain}.amocrm.ru`,
    aud: backend,
    account_id: DEMO_ACCOUNT.id,
    user_id: DEMO_ACCOUNT.userId,
    is_admin: true,
  });
  return fetch(backend + path, {
    method,
    headers: {
      'X-Auth-Token': token,
      ...(opts.body !== undefined && { 'content-type': 'application/json' }),
      ...(opts.key && { 'Idempotency-Key': opts.key }),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
}

beforeAll(async () => {
  moysklad = await startMoySkladEmulator({ token: MS_TOKEN });
  ({ demo, backend } = await startTestDemo(SECRET, {
    ERP_KIND: 'moysklad',
    MOYSKLAD_TOKEN: MS_TOKEN,
    MOYSKLAD_API_BASE: moysklad.url,
  }));
  if (canRun) browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
  await moysklad?.close();
});

describe.runIf(canRun)('ERP loop in the deal card (Chromium)', () => {
  it('shows the reserve order and the paid invoice with links into MoySklad', async () => {
    const services = demo.server.services;
    await services.accountSettings.update(DEMO_ACCOUNT.id, {
      loop: { reserveStage: { pipelineId: PIPELINE, statusId: RESERVE } },
    });
    const inst = await services.installations.findActive(DEMO_ACCOUNT.id);
    if (!inst) throw new Error('demo not installed');
    await services.erpLoop.subscribe(inst);

    // The deal reaches the reserve stage: an order with a reserve appears in MoySklad.
    await services.erpLoop.runOrder({ accountId: DEMO_ACCOUNT.id, leadId: LEAD, action: 'reserve' });
    // An invoice, then the customer pays it in MoySklad.
    const list = await (await api('GET', `/api/v1/leads/${LEAD}/invoices`)).json();
    expect(
      (
        await api('POST', `/api/v1/leads/${LEAD}/invoices`, {
          body: { confirmedTotal: list.preview.total },
          key: 'e2e-loop',
        })
      ).status,
    ).toBe(202);
    await until(async () => {
      const now = await (await api('GET', `/api/v1/leads/${LEAD}/invoices`)).json();
      return now.items[0]?.status === 'created';
    }, 'invoice created');
    const invoice = moysklad.state.documents.filter((d) => d.type === 'invoiceout').at(-1);
    if (!invoice) throw new Error('no invoice');
    moysklad.loop.pay(invoice.id, invoice.sum / 100);
    await until(
      async () => {
        const v = await (await api('GET', `/api/v1/leads/${LEAD}/erp-loop`)).json();
        return v.invoices[0]?.state === 'paid' && v.order?.status === 'reserved';
      },
      'paid and reserved',
      30_000,
    );

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: Error[] = [];
    page.on('pageerror', (err) => errors.push(err));
    await page.goto(`${demo.emulator.url}/sandbox?lead=${LEAD}&lang=ru`);
    const section = page.locator('[data-testid="erpb-loop"][data-state="ready"]');
    await section.waitFor({ timeout: 20_000 });
    const order = page.getByTestId('erpb-loop-order');
    expect(await order.getAttribute('data-state')).toBe('reserved');
    expect(await order.textContent()).toContain('в резерве');
    const paid = page.locator('[data-testid="erpb-loop-invoice"][data-state="paid"]');
    expect(await paid.textContent()).toContain(`Счёт № ${invoice.name}`);
    expect(await paid.textContent()).toContain('оплачен');
    const links = await section.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links.some((h) => h?.includes(`#invoiceout/edit?id=${invoice.id}`))).toBe(true);
    expect(links.some((h) => h?.includes('#customerorder/edit?id='))).toBe(true);
    await section.screenshot({ path: screenshotPath('panel-erp-loop-ru.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('shows the released reserve (the deal was lost) in English, dark, at 280 and 360 px, readable', async () => {
    // After the test above: the order of lead 1001 is reserved; the deal is lost, its reserve released.
    await demo.server.services.erpLoop.runOrder({
      accountId: DEMO_ACCOUNT.id,
      leadId: LEAD,
      action: 'release',
    });
    await until(
      async () =>
        (await (await api('GET', `/api/v1/leads/${LEAD}/erp-loop`)).json()).order?.status === 'released',
      'order released',
    );
    for (const width of [280, 360]) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${demo.emulator.url}/sandbox?lead=${LEAD}&lang=en&theme=dark`);
      await setColumnWidth(page, width);
      const section = page.locator('[data-testid="erpb-loop"][data-state="ready"]');
      await section.waitFor({ timeout: 20_000 });
      const order = page.getByTestId('erpb-loop-order');
      expect(await order.getAttribute('data-state')).toBe('released');
      expect(await order.textContent()).toMatch(/released/i);
      // A released order lists no reserved lines any more.
      expect(await order.textContent()).not.toContain('×');
      expect(
        await page.locator('[data-testid="erpb-loop-invoice"][data-state="paid"]').textContent(),
      ).toMatch(/paid/i);
      await assertNoOverflow(page);
      expect(await widgetAxeViolations(page)).toEqual([]);
      if (width === 280) await section.screenshot({ path: screenshotPath('panel-erp-loop-en-280-dark.png') });
      await page.close();
    }
  }, 90_000);
});
