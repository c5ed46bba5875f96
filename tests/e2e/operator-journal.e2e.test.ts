import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { canRunBrowser, openSandbox, useBrowserDemo } from '../support/browser-demo.js';
import { screenshotPath } from '../support/screenshots.js';

/**
 * The operator's view in Chromium against the sandbox: after a deal card loaded (widget calls in,
 * amoCRM and ERP calls out), the settings page shows the health per account and the journal of
 * those requests, filters it, and offers the CSV; an open alert shows as a banner.
 */
const SECRET = 'e2e-operator-journal-secret-0123456789';
const ACCOUNT = 31000001;

const e2e = useBrowserDemo(SECRET);

async function settings(lang: 'ru' | 'en', width = 1280): Promise<Page> {
  const { page } = await openSandbox(e2e, `page=settings&lang=${lang}`, {
    width,
    height: 1400,
    ready: '[data-section="journal"] table tbody tr >> nth=0',
  });
  return page;
}

describe.runIf(canRunBrowser)('journal and health view in Chromium', () => {
  it('shows the requests a deal card caused, the health per account and an open alert', async () => {
    const card = await e2e.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await card.goto(`${e2e.demo.emulator.url}/sandbox?lead=1002&lang=ru`);
    await card.locator('.erpb-invoices[data-state="ready"]').waitFor({ timeout: 20_000 });
    await card.close();
    await e2e.demo.server.services.operator.alertStore.raise(
      ACCOUNT,
      'webhooks_silent',
      'webhooks',
      'Вебхуки amoCRM не приходят. / amoCRM webhooks stopped.',
      new Date(),
    );

    const page = await settings('ru');
    expect(await page.locator('.erpb-alerts [data-rule="webhooks_silent"]').count()).toBe(1);
    const health = page.locator('[data-section="operator-health"]');
    const text = (await health.textContent()) ?? '';
    for (const label of [
      'Связь с amoCRM',
      'ERP, последний успех',
      'С последнего вебхука',
      'Очередь',
      'Контроль остатков сегодня',
    ])
      expect(text).toContain(label);
    const journal = page.locator('[data-section="journal"]');
    const rows = await journal.locator('tbody tr').allTextContents();
    expect(rows.some((r) => r.includes('widget GET') && r.includes('/api/v1/leads/1002/stock'))).toBe(true);
    expect(rows.some((r) => r.includes('amocrm GET') && r.includes('/api/v4/leads'))).toBe(true);
    // Tokens never reach the journal's paths.
    expect(rows.join('\n')).not.toMatch(/eyJ|\?/);
    await page.locator('.erpb-operator').screenshot({ path: screenshotPath('settings-journal.png') });

    // By deal: only that deal's rows.
    await journal.locator('input[inputmode="numeric"]').fill('1002');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-section="journal"] tbody tr')].every((tr) =>
        tr.textContent?.includes('#1002'),
      ),
    );
    // Errors only: nothing failed, so the journal says so.
    await journal.locator('input[type="checkbox"]').check();
    await journal.getByText('Запросов нет.').waitFor({ timeout: 10_000 });
    await journal.locator('input[type="checkbox"]').uncheck();
    await journal.locator('input[inputmode="numeric"]').fill('');
    await journal.locator('tbody tr').first().waitFor();
    const download = page.waitForEvent('download');
    await journal.getByRole('button', { name: 'Скачать CSV' }).click();
    const csv = await download;
    expect(csv.suggestedFilename()).toMatch(/^erp-bridge-journal-\d{4}-\d{2}-\d{2}\.csv$/);
    // The file is the server's export of the whole filtered journal (fetched with the widget's
    // token), so it holds at least every row on screen.
    const file = (await readFile((await csv.path()) as string, 'utf8')).split('\r\n').filter(Boolean);
    expect(file[0]?.startsWith('id,at,direction,system')).toBe(true);
    expect(file.length - 1).toBeGreaterThanOrEqual(await journal.locator('tbody tr').count());
    expect(file.some((l) => l.includes('/api/v1/leads/1002/stock'))).toBe(true);
    await page.close();
  });

  it('speaks English, and the journal never overflows its section', async () => {
    const page = await settings('en');
    expect(await page.locator('[data-section="journal"] legend').textContent()).toBe('Journal');
    expect(await page.locator('[data-section="operator-health"]').textContent()).toContain(
      'amoCRM connection',
    );
    const overflow = await page.evaluate(() => {
      const el = document.querySelector('[data-section="journal"]') as HTMLElement;
      return el.scrollWidth - el.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(1);
    await page.locator('.erpb-operator').screenshot({ path: screenshotPath('settings-journal-en.png') });
    await page.close();
  });
});
