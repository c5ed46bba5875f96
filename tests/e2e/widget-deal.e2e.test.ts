import { DEMO_ACCOUNT } from '@erp-bridge/emulator-amocrm';
import { describe, expect, it } from 'vitest';
import {
  canRunBrowser,
  openSandbox,
  skippedWithoutBrowser,
  useBrowserDemo,
} from '../support/browser-demo.js';
import { screenshotPath } from '../support/screenshots.js';
import { until } from '../support/wait.js';
import { widgetCall } from '../support/widget-api.js';

const SECRET = 'e2e-deal-client-secret-0123456789abcdef';
const MS_TOKEN = 'e2e-moysklad-token';
const LEAD = 1001;
const GATED = 80013;

const e2e = useBrowserDemo(SECRET, MS_TOKEN);

/** The widget API as the manager's browser calls it, for setting the scene and checking results. */
async function api<T>(path: string): Promise<T> {
  const res = await widgetCall(e2e.backend, 'GET', path, {
    user: { secret: SECRET, userId: DEMO_ACCOUNT.userId },
  });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

const openDeal = (lead: number, lang = 'ru') =>
  openSandbox(e2e, `lead=${lead}&lang=${lang}`, {
    ready: '.erpb-invoices[data-state="ready"]',
  });

const invoiceDocs = () => e2e.moysklad.state.documents.filter((d) => d.type === 'invoiceout');
const plain = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ');

describe.runIf(canRunBrowser)('deal panel in Chromium', () => {
  it('requests an invoice once: a double click on Confirm sends one Idempotency-Key, and a 503 from MoySklad is retried', async () => {
    const { page, requests } = await openDeal(LEAD);
    const before = invoiceDocs().length;
    const button = page.getByTestId('erpb-request-invoice');
    expect(await button.isEnabled()).toBe(true);

    await button.click();
    const confirm = page.getByTestId('erpb-confirm-invoice');
    await confirm.waitFor();
    // The confirm step lists the positions with prices and the total in the user's locale.
    const skus = await page
      .locator('.erpb-confirm [data-position-sku]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-position-sku')));
    expect(skus).toEqual(['DRL-18V', 'SAW-CIRC-190', 'BIT-SET-32']);
    // 2 x 8 990 + 12 450 + 5 x 790,50
    expect(plain(await page.getByTestId('erpb-invoice-total').textContent())).toBe('34 382,50 ₽');
    // Confirm has the focus: the keyboard path is Enter.
    expect(await confirm.evaluate((el) => el === document.activeElement)).toBe(true);

    // The ERP's first attempt to create the invoice fails; the job retries.
    e2e.moysklad.faults.failNext(1, 503, { method: 'POST', pathIncludes: '/entity/invoiceout' });
    await confirm.dblclick();
    await page.locator('[data-invoice-status="created"]').waitFor({ timeout: 30_000 });

    const posts = requests.filter(
      (r) => r.method() === 'POST' && r.url().endsWith(`/leads/${LEAD}/invoices`),
    );
    expect(posts.length).toBeGreaterThanOrEqual(1);
    const keys = new Set(posts.map((r) => r.headers()['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(posts[0]?.postDataJSON()).toEqual({ confirmedTotal: { amount: 34382.5, currency: 'RUB' } });

    expect(
      e2e.moysklad.calls.some(
        (c) => c.method === 'POST' && c.path.includes('/entity/invoiceout') && c.status === 503,
      ),
    ).toBe(true);
    expect(invoiceDocs().length).toBe(before + 1);
    const doc = invoiceDocs().at(-1);
    // The panel followed the request from pending to created without a reload, and shows the number.
    expect(await page.locator('[data-invoice-status]').count()).toBe(1);
    expect(plain(await page.locator('[data-invoice-status="created"]').textContent())).toContain(
      `№ ${doc?.name} на 34 382,50 ₽`,
    );
    const polls = requests.filter((r) => r.method() === 'GET' && r.url().endsWith(`/leads/${LEAD}/invoices`));
    expect(polls.length).toBeGreaterThanOrEqual(2);
    await page.close();
  });

  it('shows the guard blocking a short deal, then "Check again" after the deal is fixed clears it', async () => {
    // The manager raises the drills to 40 (26 free) and drags the deal into the gated stage.
    const lead = e2e.demo.emulator.state.leads.get(LEAD);
    const drill = lead?.products.find((p) => p.elementId === 500101);
    if (!drill) throw new Error('deal 1001 has no drill');
    drill.quantity = 40;
    expect(e2e.demo.emulator.state.uiMoveLead(LEAD, GATED)).toMatchObject({ ok: true });
    // The guard stops it (moves it back); the hook its own move causes is skipped as our echo.
    await until(async () => {
      const guard = await api<{ latest: { verdict: string } | null; history: { verdict: string }[] }>(
        `/api/v1/leads/${LEAD}/guard`,
      );
      return guard.latest?.verdict === 'blocked';
    }, 'the guard to block the deal');
    expect(lead?.statusId).not.toBe(GATED);

    const { page, requests } = await openDeal(LEAD);
    const banner = page.locator('.erpb-guard[data-state="blocked"]');
    await banner.waitFor();
    // A status, not an alert: it is there on every open of the card, not news.
    expect(await banner.getAttribute('role')).toBe('status');
    const reason = banner.locator('[data-reason-sku="DRL-18V"]');
    expect(plain(await reason.textContent())).toContain('нужно 40, свободно 26');
    expect(await banner.getAttribute('data-verdict')).toBe('blocked');
    expect(await banner.textContent()).toContain('изменение сделки');
    expect(await banner.textContent()).toContain('сделка возвращена на этап «Переговоры»');
    await page.locator('.erpb-root[data-state="data"]').waitFor();
    expect(await page.locator('.erpb-root [data-sku="DRL-18V"]').getAttribute('data-status')).toBe('short');
    // Invoicing is refused while stock is short; the invoice made earlier is still listed.
    expect(await page.getByTestId('erpb-request-invoice').getAttribute('aria-disabled')).toBe('true');
    expect(await page.locator('[data-blocked-by]').getAttribute('data-blocked-by')).toBe('stock_short');
    expect(await page.locator('[data-invoice-status="created"]').count()).toBe(1);

    await page.screenshot({ path: screenshotPath('panel-deal.png') });

    // Back to 2 drills: "Check again" re-checks, and stock and invoices reload with it.
    drill.quantity = 2;
    const before = requests.length;
    await page.getByTestId('erpb-check-again').click();
    await page.locator('.erpb-guard[data-state="ok"]').waitFor({ state: 'attached', timeout: 15_000 });
    expect(await banner.count()).toBe(0);
    await page.locator('.erpb-root[data-state="data"]').waitFor();
    const after = requests.slice(before).map((r) => `${r.method()} ${new URL(r.url()).pathname}`);
    expect(after).toEqual(
      expect.arrayContaining([
        `POST /api/v1/leads/${LEAD}/stock-check`,
        `GET /api/v1/leads/${LEAD}/guard`,
        `GET /api/v1/leads/${LEAD}/stock`,
        `GET /api/v1/leads/${LEAD}/invoices`,
      ]),
    );
    await page.close();
  });

  it('paints the stock soon after mount on a warm backend (budget 150 ms, measured and logged)', async () => {
    const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Stamp the moment the panel mounts (data-state=loading) and the moment data is painted.
    await page.addInitScript(() => {
      const marks: Record<string, number> = {};
      (window as unknown as { __marks: typeof marks }).__marks = marks;
      new MutationObserver(() => {
        const state = document.querySelector('.erpb-root')?.getAttribute('data-state');
        if (state && !(state in marks)) {
          marks[state] = performance.now();
          if (state === 'data') requestAnimationFrame(() => (marks.painted = performance.now()));
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
    });
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      await page.goto(`${e2e.demo.emulator.url}/sandbox?lead=1002&lang=ru`);
      await page.locator('.erpb-root[data-state="data"]').waitFor({ timeout: 15_000 });
      await page.waitForFunction(() => 'painted' in (window as unknown as { __marks: object }).__marks);
      const marks = await page.evaluate(
        () => (window as unknown as { __marks: Record<string, number> }).__marks,
      );
      times.push((marks.painted ?? 0) - (marks.loading ?? 0));
    }
    // The first load warms caches (ERP stock, catalog elements); judge the warm ones.
    const warm = times.slice(1).sort((a, b) => a - b);
    const median = warm[Math.floor(warm.length / 2)] ?? Number.NaN;
    console.log(
      `panel mount -> painted data: ${times.map((t) => t.toFixed(0)).join(', ')} ms (warm median ${median.toFixed(0)} ms)`,
    );
    // Alone this is well under the 150 ms budget (about 70 ms here); the e2e files run in parallel,
    // each with a browser and a stack, so the bound below only catches regressions.
    expect(median).toBeLessThanOrEqual(250);
    await page.close();
  });

  it('says why the button is disabled when the user may not request invoices, in English', async () => {
    const settings = e2e.demo.server.services.accountSettings;
    await settings.update(DEMO_ACCOUNT.id, { invoices: { allowedUserIds: [DEMO_ACCOUNT.adminUserId] } });
    try {
      const { page } = await openDeal(1003, 'en');
      expect(await page.getByTestId('erpb-request-invoice').getAttribute('aria-disabled')).toBe('true');
      const why = page.locator('[data-blocked-by]');
      expect(await why.getAttribute('data-blocked-by')).toMatch(/^(no_permission|no_products)$/);
      expect(await page.getByTestId('erpb-request-invoice').getAttribute('aria-describedby')).toBe(
        await why.getAttribute('id'),
      );
      await page.close();
      const { page: deal } = await openDeal(LEAD, 'en');
      expect(await deal.locator('[data-blocked-by]').getAttribute('data-blocked-by')).toBe('no_permission');
      expect(await deal.locator('[data-blocked-by]').textContent()).toBe('You may not request invoices.');
      await deal.close();
    } finally {
      await settings.update(DEMO_ACCOUNT.id, { invoices: { allowedUserIds: [] } });
    }
  });
});

skippedWithoutBrowser();
