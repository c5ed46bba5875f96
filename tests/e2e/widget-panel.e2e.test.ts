import type { StockReport } from '@erp-bridge/shared';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  canRunBrowser,
  openSandbox,
  skippedWithoutBrowser,
  useBrowserDemo,
} from '../support/browser-demo.js';
import { moyskladStockReads } from '../support/moysklad-stack.js';
import { screenshotPath } from '../support/screenshots.js';
import { assertNoOverflow, setColumnWidth } from '../support/widget-page.js';

/**
 * The deal panel as a manager meets it (issue 13): stacked product blocks that fit amoCRM's right
 * column, the shortfall in words, ↻ that really reads the ERP, the stale badge, one message when
 * the backend is gone, invoice reasons, keyboard paths. MoySklad's emulator is the ERP: its call
 * log shows which panel actions reach the ERP.
 */
const SECRET = 'e2e-panel-client-secret-0123456789abcdef';
const MS_TOKEN = 'e2e-panel-moysklad-token';

const e2e = useBrowserDemo(SECRET, MS_TOKEN);

interface OpenOptions {
  lang?: 'ru' | 'en' | 'es' | 'pt';
  theme?: 'light' | 'dark';
  width?: number;
  /** Wait for this panel state (default: the stock answered with data). */
  state?: string;
  before?: (page: Page) => Promise<unknown>;
}

async function openDeal(lead: number, opts: OpenOptions = {}): Promise<Page> {
  const theme = opts.theme === 'dark' ? '&theme=dark' : '';
  const { page } = await openSandbox(e2e, `lead=${lead}&lang=${opts.lang ?? 'ru'}${theme}`, {
    height: 1000,
    column: opts.width,
    before: opts.before,
    ready: `.erpb-root[data-state="${opts.state ?? 'data'}"]`,
  });
  return page;
}

const plain = (s: string | null) =>
  (s ?? '')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
/** ERP stock reads: each asks the report once per stockType (free, stock, in transit); count one. */
const stockReads = () => moyskladStockReads(e2e.moysklad);
/** What a person reads (closed disclosures and screen-reader-only text left out). */
const visibleText = (page: Page, selector = '.erpb-root') =>
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point here
  page.locator(selector).evaluate((el) => (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim());

/** A report with every optional figure the contract carries (the connectors fill them where the ERP has them). */
function richReport(leadId: number): StockReport {
  const wh = (id: string, name: string, free: number | null, stock?: number, reserve?: number) => ({
    warehouseId: id,
    warehouseName: name,
    free,
    ...(stock === undefined ? {} : { stock, reserve }),
  });
  return {
    leadId,
    status: 'short',
    asOf: new Date(Date.now() - 5 * 60_000).toISOString(),
    stale: false,
    source: 'moysklad',
    lines: [
      {
        elementId: 1,
        sku: 'BOOT-WINTER-44',
        name: 'Ботинки рабочие утеплённые с композитным подноском, размер 44',
        requested: 300,
        price: { amount: 4590, currency: 'RUB' },
        unit: 'пар',
        warehouses: [
          wh('msk-1', 'Москва, основной склад (Очаково)', 120, 150, 30),
          wh('msk-2', 'Москва, склад ответственного хранения (Внуково)', 60, 60, 0),
          wh('spb', 'Санкт-Петербург, Шушары', 20, 25, 5),
          wh('ekb', 'Екатеринбург', 0, 0, 0),
          wh('nsk', 'Новосибирск', null),
        ],
        freeTotal: 200,
        status: 'short',
        inTransit: 150,
        expectedAt: '2026-12-15T10:00:00+03:00',
        unassignedReserve: 5,
        link: 'https://online.moysklad.ru/app/#good/edit?id=1',
      },
      {
        elementId: 2,
        sku: 'GLV-NITRIL',
        name: 'Перчатки нитриловые',
        requested: 10,
        price: { amount: 35.9, currency: 'RUB' },
        unit: 'уп.',
        warehouses: [wh('msk-1', 'Москва, основной склад (Очаково)', -4, 6, 10)],
        freeTotal: -4,
        status: 'short',
      },
      {
        elementId: 3,
        sku: null,
        name: 'Доставка по Москве',
        requested: 1,
        price: { amount: 1500, currency: 'RUB' },
        kind: 'service',
        warehouses: [],
        freeTotal: null,
        status: 'ok',
      },
    ],
  };
}

describe.runIf(canRunBrowser)('deal panel at the widths of amoCRM’s right column', () => {
  for (const width of [260, 280, 300, 360]) {
    for (const lang of ['ru', 'en'] as const) {
      it(`fits ${width} px without horizontal overflow (${lang})`, async () => {
        const page = await openDeal(1002, { lang, width });
        await page.locator('.erpb-invoices[data-state="ready"]').waitFor({ timeout: 20_000 });
        await assertNoOverflow(page);
        await page.close();
      });
    }
  }

  it('says the shortfall in words: requested, free and how much is missing', async () => {
    const page = await openDeal(1002);
    const short = page.locator('.erpb-line[data-status="short"]').first();
    const need = plain(await short.locator('[data-need]').textContent());
    // Figures carry the product's unit when the ERP has one ("200 шт").
    const m = /Нужно (\d+)(?: \S+)?, свободно (\d+)(?: \S+)?, не хватает (\d+)(?: \S+)?$/.exec(need);
    expect(m, need).not.toBeNull();
    const [, requested, free, missing] = m?.map(Number) ?? [];
    expect(missing).toBe((requested ?? 0) - (free ?? 0));
    // Full warehouse names, never clipped.
    const names = await short
      .locator('.erpb-wh-name')
      .evaluateAll((els) =>
        els.map((e) => ({ text: e.textContent, clipped: e.scrollWidth > e.clientWidth })),
      );
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => !n.clipped)).toBe(true);
    await page.close();
  });

  it('renders every figure the contract may carry: units, reserve, in transit, over-reservation, services, links, "N more"', {
    timeout: 90_000,
  }, async () => {
    for (const [lang, width] of [
      ['ru', 280],
      ['ru', 360],
      ['en', 280],
      ['en', 360],
    ] as const) {
      for (const theme of ['light', 'dark'] as const) {
        const page = await openDeal(1001, {
          lang,
          theme,
          width,
          before: (p) =>
            p.route(`${e2e.backend}/api/v1/leads/1001/stock*`, (route) =>
              route.fulfill({
                json: richReport(1001),
                headers: { 'access-control-allow-origin': e2e.demo.emulator.url },
              }),
            ),
        });
        const boots = page.locator('[data-sku="BOOT-WINTER-44"]');
        const text = plain(await boots.textContent());
        if (lang === 'ru') {
          expect(text).toContain('Нужно 300 пар, свободно 200 пар, не хватает 100 пар');
          expect(text).toContain('На складах 235 пар · в резерве 40 пар · свободно 200 пар');
          expect(text).toContain('В пути: 150 пар, ожидается 15.12.2026');
          expect(text).toContain('В резерве без склада: 5 пар');
          expect(text).toContain('ещё 2');
          expect(
            plain(await page.locator('[data-sku="GLV-NITRIL"] [data-over-reserved]').textContent()),
          ).toBe('Зарезервировано на 4 уп. больше, чем есть на складе: свободного товара нет.');
        } else {
          expect(text).toContain('Needed 300 пар, free 200 пар, 100 пар short');
          expect(text).toContain('expected 15/12/2026');
          expect(text).toContain('2 more');
        }
        // Top three warehouses, then "N more" unfolds the rest.
        expect(await boots.locator('[data-warehouse]').count()).toBe(3);
        // A service has no stock badge.
        const service = page.locator('.erpb-line[data-status="service"]');
        expect(await service.locator('.erpb-badge').count()).toBe(0);
        // The product opens in the ERP, in a new tab.
        const link = boots.locator('.erpb-name a');
        expect(await link.getAttribute('target')).toBe('_blank');
        expect(await link.getAttribute('rel')).toContain('noopener');
        await assertNoOverflow(page);
        await page
          .locator('.erpb-panel')
          .first()
          .screenshot({
            path: screenshotPath(`panel-deal-${lang}-${width}${theme === 'dark' ? '-dark' : ''}.png`),
          });
        const more = boots.locator('.erpb-more');
        await more.click();
        expect(await boots.locator('[data-warehouse]').count()).toBe(5);
        // The toggle stays (focus is not lost) and folds the list again.
        expect(await more.getAttribute('aria-expanded')).toBe('true');
        await more.click();
        expect(await boots.locator('[data-warehouse]').count()).toBe(3);
        await page.close();
      }
    }
  });

  it('after an invoice exists, a second request warns and names it', async () => {
    const page = await openDeal(1001);
    await page.locator('.erpb-invoices[data-state="ready"]').waitFor({ timeout: 20_000 });
    if ((await page.locator('[data-invoice-status="created"]').count()) === 0) {
      await page.getByTestId('erpb-request-invoice').click();
      await page.getByTestId('erpb-confirm-invoice').click();
      await page.locator('[data-invoice-status="created"]').waitFor({ timeout: 30_000 });
    }
    await page.getByTestId('erpb-request-invoice').click();
    const warn = page.locator('[data-warn="exists"]');
    await warn.waitFor();
    expect(plain(await warn.textContent())).toMatch(
      /^По сделке уже выставлен счёт № \S+\. Выставить ещё один\?/,
    );
    await page.getByTestId('erpb-cancel-invoice').click();
    await page.close();
  }, 60_000);

  it('↻ reads the ERP again (once per 10 s per user) and says when the figures were read', async () => {
    const page = await openDeal(1001);
    await page.locator('.erpb-invoices[data-state="ready"]').waitFor({ timeout: 20_000 });
    // A plain reload within the cache's lifetime does not reach the ERP.
    const before = stockReads();
    const refresh = page.getByRole('button', { name: 'Обновить' });
    await refresh.click();
    await page.locator('.erpb-status:not(:has-text("Запрашиваем"))').waitFor();
    await until(() => stockReads() > before);
    // The ERP answered; the panel paints the read's time when that answer reaches it: wait for it.
    await expect
      .poll(async () => plain(await page.locator('.erpb-status').textContent()))
      .toMatch(
        /^Остатки прочитаны из ERP \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} \((сейчас|\d+ секунд[уы]? назад)\) · МойСклад$/,
      );
    const after = stockReads();
    expect(after).toBe(before + 1);
    // Pressed again at once: answered from the cache, the ERP is not asked twice in 10 s.
    await refresh.click();
    await page.locator('.erpb-status:not(:has-text("Запрашиваем"))').waitFor();
    expect(stockReads()).toBe(after);
    // Focus stayed on the button (inside the panel).
    expect(await refresh.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.close();
  });

  it('ERP down with cached figures: a "stale" badge (never green), the age, Retry, and the invoice warns first', {
    timeout: 60_000,
  }, async () => {
    const page = await openDeal(1001);
    await page.locator('.erpb-invoices[data-state="ready"]').waitFor({ timeout: 20_000 });
    e2e.moysklad.faults.outage(true);
    try {
      await setColumnWidth(page, 280);
      // ↻ is limited to once per 10 s per user, and the test before pressed it.
      await new Promise((r) => setTimeout(r, 10_100));
      await page.getByRole('button', { name: 'Обновить' }).click();
      const badge = page.locator('.erpb-head .erpb-badge');
      await page.locator('.erpb-badge[data-status="stale"]').waitFor({ timeout: 15_000 });
      expect(plain(await badge.textContent())).toBe('Данные устарели');
      const status = plain(await page.locator('.erpb-status').textContent());
      expect(status).toMatch(/^ERP не отвечает: показаны остатки на .+ \(.+ назад|сейчас\)\. Повторить$/);
      await page.locator('.erpb-invoices[data-state="ready"]').waitFor({ timeout: 20_000 });
      await page.getByTestId('erpb-request-invoice').click();
      await page.locator('[data-warn="stale"]').waitFor();
      await page.screenshot({ path: screenshotPath('panel-deal-stale.png') });
      // Escape closes the confirm step and gives focus back to the button that opened it.
      await page.keyboard.press('Escape');
      await page.locator('.erpb-invoices[data-state="ready"]').waitFor();
      expect(
        await page.getByTestId('erpb-request-invoice').evaluate((el) => el === document.activeElement),
      ).toBe(true);
    } finally {
      e2e.moysklad.faults.outage(false);
    }
    await page.close();
  });

  it('backend unreachable: one panel-level message with one Retry, which brings the panel back', async () => {
    let down = true;
    const page = await openDeal(1001, {
      state: 'error',
      before: (p) =>
        p.route(`${e2e.backend}/**`, (route) => (down ? route.abort('connectionrefused') : route.continue())),
    });
    const box = page.locator('.erpb-down');
    await box.waitFor();
    expect(plain(await box.locator('.erpb-error-title').textContent())).toBe('Сервис ERP Bridge не отвечает');
    expect(await page.locator('.erpb-root button:visible').count()).toBe(1);
    expect(await page.locator('.erpb-root .erpb-error').count()).toBe(1);
    expect(await visibleText(page)).not.toMatch(/HTTP|\d{3,} ms|code/);
    down = false;
    await page.getByTestId('erpb-retry').focus();
    await page.keyboard.press('Enter');
    await page.locator('.erpb-root[data-state="data"]').waitFor({ timeout: 15_000 });
    // Keyboard focus stayed in the panel.
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest('.erpb-root')))).toBe(true);
    await page.close();
  });

  it('invoice reasons: an ERP failure says the ERP is down (not "no products"); the disabled button stays focusable with its reason', async () => {
    e2e.moysklad.faults.outage(true);
    try {
      // Deal 1004 was never read: no cached stock to stand in.
      const page = await openDeal(1004, { state: 'error', lang: 'en' });
      await page.locator('.erpb-invoices[data-state="ready"]').waitFor({ timeout: 30_000 });
      const text = await visibleText(page);
      expect(text).toContain('The ERP is not answering right now.');
      expect(text).not.toMatch(/within \d+ ms|HTTP \d{3}|e2e.moysklad/);
      const why = page.locator('[data-blocked-by]');
      expect(await why.getAttribute('data-blocked-by')).toBe('erp_unavailable');
      expect(plain(await why.textContent())).toBe(
        'No invoice now: the ERP is not answering. Try again later.',
      );
      const button = page.getByTestId('erpb-request-invoice');
      expect(await button.getAttribute('aria-disabled')).toBe('true');
      expect(await button.getAttribute('aria-describedby')).toBe(await why.getAttribute('id'));
      await button.focus();
      expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
      // Pressing it does nothing.
      await page.keyboard.press('Enter');
      expect(await page.locator('.erpb-confirm').count()).toBe(0);
      await page.close();
    } finally {
      e2e.moysklad.faults.outage(false);
    }
  });

  it('headings, one live region (the status line), guard banner as a status, named icon buttons', async () => {
    const page = await openDeal(1001);
    await page.locator('.erpb-invoices[data-state="ready"]').waitFor({ timeout: 20_000 });
    const headings = await page.locator('.erpb-root :is(h2, h3, h4)').allTextContents();
    expect(headings).toEqual(expect.arrayContaining(['Остатки на складах', 'Счета']));
    // No aria-live on containers: only role=status lines announce.
    expect(await page.locator('.erpb-root [aria-live]').count()).toBe(0);
    expect(
      await page
        .locator('.erpb-root .erpb-lines[role="status"], .erpb-root .erpb-panel[role="status"]')
        .count(),
    ).toBe(0);
    for (const button of await page.locator('.erpb-root button').all()) {
      const name = (await button.getAttribute('aria-label')) ?? plain(await button.textContent());
      expect(name.length).toBeGreaterThan(1);
    }
    await page.close();
  });
});

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

skippedWithoutBrowser();

describe.runIf(canRunBrowser)('the deal panel in the marketplace locales', () => {
  it('speaks Spanish and Portuguese when amoCRM does (i18n/es.json, pt.json), with money in that locale', async () => {
    for (const [lang, title, button, total] of [
      ['es', 'Stock en almacén', 'Solicitar factura', '34.382,50 ₽'],
      ['pt', 'Estoque nos armazéns', 'Solicitar fatura', '₽ 34.382,50'],
    ] as const) {
      const page = await openDeal(1001, { lang });
      expect(plain(await page.locator('#erpb-stock-title').textContent())).toBe(title);
      const request = page.getByTestId('erpb-request-invoice');
      await page.locator('.erpb-invoices[data-state="ready"]').waitFor({ timeout: 20_000 });
      expect(plain(await request.textContent())).toBe(button);
      await request.click();
      expect(plain(await page.getByTestId('erpb-invoice-total').textContent())).toBe(total);
      await page.getByTestId('erpb-cancel-invoice').click();
      await page.close();
    }
  });
});
