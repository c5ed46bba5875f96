import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../../scripts/demo.js';
import { widgetAxeViolations } from '../support/axe.js';
import { browserRequired, findChromium, launchChromium } from '../support/browser.js';
import { startTestDemo } from '../support/demo.js';
import { screenshotPath } from '../support/screenshots.js';
import { assertNoOverflow, setColumnWidth } from '../support/widget-page.js';

/**
 * The integration's open alerts in the card panel, in Chromium against the sandbox: an admin sees
 * them over the deal (and over a contact), in amoCRM's column widths and both themes, and follows
 * the link to the settings page's health section by keyboard; a manager sees nothing and his card
 * never asks the backend for alerts.
 */
const SECRET = 'e2e-operator-card-alerts-0123456789';
const canRun = browserRequired || Boolean(findChromium());
const ACCOUNT = 31000001;
const TEXT = {
  ru: {
    title: 'Проблемы интеграции',
    rule: 'Задание не выполнено после всех попыток',
    link: 'Открыть состояние интеграции',
  },
  en: {
    title: 'Integration problems',
    rule: 'A job failed after its last retry',
    link: 'Open the integration’s health',
  },
} as const;

let demo: Demo;
let browser: Browser;

beforeAll(async () => {
  ({ demo } = await startTestDemo(SECRET));
  if (canRun) browser = await launchChromium();
  // An incident only an invoice job's success resolves, so it stays open through the whole file
  // (a condition rule would be resolved by the minute's evaluation, a token one by any amoCRM call).
  await demo.server.services.operator.alertStore.raise(
    ACCOUNT,
    'job_failed',
    'invoice.create',
    'Задание «invoice.create» не выполнено после всех попыток. / Job "invoice.create" failed after its last retry.',
    new Date(),
  );
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/** A card page; `alertCalls` counts the widget's requests for alerts. */
async function card(query: string, width = 1280): Promise<{ page: Page; alertCalls: string[] }> {
  const page = await browser.newPage({ viewport: { width: Math.max(width + 700, 1000), height: 1000 } });
  const errors: Error[] = [];
  page.on('pageerror', (err) => errors.push(err));
  const alertCalls: string[] = [];
  page.on('request', (req) => {
    if (new URL(req.url()).pathname === '/api/v1/alerts') alertCalls.push(req.method());
  });
  await page.goto(`${demo.emulator.url}/sandbox?${query}`);
  if (width < 1280) await setColumnWidth(page, width);
  await page.locator('.erpb-invoices[data-state="ready"], .erpb-root[data-state="found"]').first().waitFor({
    timeout: 20_000,
  });
  expect(errors).toEqual([]);
  return { page, alertCalls };
}

describe.runIf(canRun)('open alerts in the card panel', () => {
  it('are never shown to a manager, whose card makes no request for them', async () => {
    const { page, alertCalls } = await card('lead=1001&lang=ru&admin=0');
    // The admin's banner comes from a request made at mount: the panel has long been ready by now.
    await page.waitForTimeout(500);
    expect(await page.locator('.erpb-admin-alerts').count()).toBe(0);
    expect(alertCalls.filter((m) => m !== 'OPTIONS')).toEqual([]);
    await page.close();
  });

  for (const lang of ['ru', 'en'] as const)
    for (const width of [280, 360])
      for (const theme of ['light', 'dark'] as const)
        it(`show an admin the open alert at ${width} px, ${theme}, ${lang}, without overflow or axe violations`, async () => {
          const { page } = await card(
            `lead=1001&lang=${lang}${theme === 'dark' ? '&theme=dark' : ''}`,
            width,
          );
          const banner = page.locator('.erpb-admin-alerts');
          await banner.waitFor({ timeout: 10_000 });
          expect(await banner.getAttribute('aria-label')).toBe(TEXT[lang].title);
          expect(await banner.locator('[data-rule="job_failed"]').textContent()).toBe(TEXT[lang].rule);
          const link = banner.getByRole('link', { name: TEXT[lang].link });
          expect(await link.getAttribute('href')).toBe('/settings/widgets/erp_bridge/#erpb-health');
          await assertNoOverflow(page);
          expect(await widgetAxeViolations(page)).toEqual([]);
          await page
            .locator('#card-widgets')
            .screenshot({ path: screenshotPath(`panel-admin-alerts-${lang}-${width}-${theme}.png`) });
          await page.close();
        });

  it('lead by keyboard to the settings page, focused on its health section with the journal below', async () => {
    const { page } = await card('lead=1002&lang=en&theme=dark', 360);
    const link = page.locator('.erpb-admin-alerts a');
    await link.waitFor({ timeout: 10_000 });
    // Tab from the page's start reaches the link (nothing in the widget traps or skips it).
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await link.evaluate((el) => el === document.activeElement);
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/sandbox\?page=settings/);
    expect(new URL(page.url()).searchParams.get('lang')).toBe('en');
    expect(new URL(page.url()).hash).toBe('#erpb-health');
    const health = page.locator('[data-section="operator-health"]');
    await health.waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => document.activeElement?.id === 'erpb-health');
    expect(await health.textContent()).toContain('amoCRM connection');
    await page.locator('[data-section="journal"] table tbody tr').first().waitFor({ timeout: 20_000 });
    await page.close();
  }, 90_000);

  it('also stand over a contact card', async () => {
    const { page } = await card('entity=contacts&id=2001&lang=ru');
    await page.locator('.erpb-admin-alerts [data-rule="job_failed"]').waitFor({ timeout: 10_000 });
    await page.close();
  });
});
