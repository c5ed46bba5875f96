import { DEMO_ACCOUNT } from '@erp-bridge/emulator-amocrm';
import { describe, expect, it } from 'vitest';
import { widgetAxeViolations } from '../support/axe.js';
import { canRunBrowser, openSandbox, useBrowserDemo } from '../support/browser-demo.js';
import { requestInvoice } from '../support/invoices.js';
import { screenshotPath } from '../support/screenshots.js';
import { until } from '../support/wait.js';
import { type WidgetRequest, widgetCall } from '../support/widget-api.js';
import { assertNoOverflow } from '../support/widget-page.js';

// Issue 15: the deal card shows the ERP's side of the deal: the order with its reserve and the
// invoice's payment state, with links into MoySklad.
const SECRET = 'e2e-loop-client-secret-0123456789abcdef';
const MS_TOKEN = 'e2e-loop-moysklad-token';
const LEAD = 1001;
const PIPELINE = DEMO_ACCOUNT.pipelineId;
const RESERVE = 80012;

const api = (method: string, path: string, opts: WidgetRequest = {}) =>
  widgetCall(e2e.backend, method, path, {
    ...opts,
    user: { secret: SECRET, userId: DEMO_ACCOUNT.userId, isAdmin: true },
  });

const e2e = useBrowserDemo(SECRET, MS_TOKEN);

describe.runIf(canRunBrowser)('ERP loop in the deal card (Chromium)', () => {
  it('shows the reserve order and the paid invoice with links into MoySklad', async () => {
    const services = e2e.demo.server.services;
    await services.accountSettings.update(DEMO_ACCOUNT.id, {
      loop: { reserveStage: { pipelineId: PIPELINE, statusId: RESERVE } },
    });
    const inst = await services.installations.findActive(DEMO_ACCOUNT.id);
    if (!inst) throw new Error('demo not installed');
    await services.erpLoop.subscribe(inst);

    // The deal reaches the reserve stage: an order with a reserve appears in MoySklad.
    await services.erpLoop.runOrder({ accountId: DEMO_ACCOUNT.id, leadId: LEAD, action: 'reserve' });
    // An invoice, then the customer pays it in MoySklad.
    await requestInvoice(api, LEAD, 'e2e-loop');
    const invoice = e2e.moysklad.state.documents.filter((d) => d.type === 'invoiceout').at(-1);
    if (!invoice) throw new Error('no invoice');
    e2e.moysklad.loop.pay(invoice.id, invoice.sum / 100);
    await until(
      async () => {
        const v = await (await api('GET', `/api/v1/leads/${LEAD}/erp-loop`)).json();
        return v.invoices[0]?.state === 'paid' && v.order?.status === 'reserved';
      },
      'paid and reserved',
      30_000,
    );

    const { page, errors } = await openSandbox(e2e, `lead=${LEAD}&lang=ru`, {
      ready: '[data-testid="erpb-loop"][data-state="ready"]',
    });
    const section = page.locator('[data-testid="erpb-loop"][data-state="ready"]');
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
    await e2e.demo.server.services.erpLoop.runOrder({
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
      const { page } = await openSandbox(e2e, `lead=${LEAD}&lang=en&theme=dark`, {
        column: width,
        ready: '[data-testid="erpb-loop"][data-state="ready"]',
      });
      const section = page.locator('[data-testid="erpb-loop"][data-state="ready"]');
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
