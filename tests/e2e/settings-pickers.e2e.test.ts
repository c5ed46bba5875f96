import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  canRunBrowser,
  openSandbox,
  plainText,
  settingsPutBodies,
  skippedWithoutBrowser,
  useBrowserDemo,
} from '../support/browser-demo.js';
import { screenshotPath } from '../support/screenshots.js';

/**
 * The settings page's pickers in Chromium, against the sandbox: pipelines with their stages and
 * colours, users and groups, and custom fields come from the amoCRM emulator through our backend.
 */
const SECRET = 'e2e-settings-pickers-secret-0123456789';
const ACCOUNT = 31000001;

const e2e = useBrowserDemo(SECRET);

const open = (lang: 'ru' | 'en', height = 900) =>
  openSandbox(e2e, `page=settings&lang=${lang}`, {
    height,
    ready: 'form[data-catalog="ready"]',
  });
const putBodies = settingsPutBodies;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * axe-core on the settings work area: the serious and critical violations, as "rule: target".
 * Colour contrast is left to the theme's own suite (the panels' colour tokens live there).
 */
async function axeSerious(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: unknown,
            options: unknown,
          ): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(
      { include: [['#work-area-erp_bridge']] },
      { rules: { 'color-contrast': { enabled: false } } },
    );
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
  });
}
const plain = plainText;

async function fullPageShot(page: Page, name: string) {
  // The settings column scrolls inside the page (as in amoCRM): grow the window to show all of it.
  const height = await page.evaluate(
    () => 36 + (document.querySelector('.settings-work')?.scrollHeight ?? 800),
  );
  const width = page.viewportSize()?.width ?? 1280;
  await page.setViewportSize({ width, height });
  await page.screenshot({ path: screenshotPath(name) });
  await page.setViewportSize({ width, height: 900 });
}

describe.runIf(canRunBrowser)('settings pickers in Chromium', () => {
  // First: the backend caches amoCRM's lists, so the failure must come before any other test loads them.
  it('falls back to typed ids when amoCRM lists cannot be loaded', async () => {
    e2e.demo.emulator.faults.failNext(1, 400, { pathPrefix: '/users' });
    const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${e2e.demo.emulator.url}/sandbox?page=settings&lang=en`);
    await page.locator('form[data-catalog="failed"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-section="invoices"] label', { hasText: /^User ids/ }).count()).toBe(1);
    expect(await page.getByTestId('erpb-add-stage').count()).toBe(1);
    // Retry loads the lists and shows the pickers.
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.locator('form[data-catalog="ready"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-section="invoices"] [data-user]').count()).toBe(2);
    await page.close();
  });

  it('offers amoCRM stages with their colours, users, groups and fields, and saves exactly what was picked', async () => {
    const { page, requests } = await open('ru');
    const guard = page.locator('[data-section="guard"]');
    // The guard's default, said plainly.
    expect(plain(await guard.locator('[data-guard-default]').textContent())).toMatch(
      /включена по умолчанию.*проверяет новые сделки.*назад возвращает только в защищённых этапах/,
    );
    // Open stages of the pipeline; won and lost are never offered; the demo gates "Счёт выставлен".
    expect(
      await guard
        .locator('[data-stage-option]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-stage-option'))),
    ).toEqual(['8001:80011', '8001:80012', '8001:80013']);
    expect(await guard.locator('[data-stage]').getAttribute('data-stage')).toBe('8001:80013');
    const invoiced = guard.locator('[data-stage-option="8001:80013"]');
    expect(plain(await invoiced.textContent())).toBe('Счёт выставлен');
    expect(
      await invoiced.locator('.erpb-swatch').evaluate((el) => getComputedStyle(el).backgroundColor),
    ).toBe('rgb(255, 204, 102)');
    // The native gate says whether it is set up.
    expect(await guard.locator('[data-gate-status]').getAttribute('data-gate-status')).toBe('off');

    await fullPageShot(page, 'settings-pickers.png');
    // The pickers' own markup (labels, fieldsets, selects) passes axe-core.
    expect(await axeSerious(page)).toEqual([]);

    await guard.locator('[data-stage-option="8001:80012"] input').check();
    await guard.locator('select[name="guard-task-user"]').selectOption({ label: 'Олег Ковалёв' });
    const invoices = page.locator('[data-section="invoices"]');
    expect((await invoices.locator('[data-user]').allTextContents()).map(plain)).toEqual([
      'Анна Смирнова',
      'Олег Ковалёв',
    ]);
    await invoices.locator('[data-user="5100001"] input').check();
    await invoices.locator('[data-group="350001"] input').check();
    await invoices
      .locator('select[name="invoice-number-field"]')
      .selectOption({ label: 'Номер счёта (text)' });
    await page
      .locator('[data-section="fields"] select[name="inn-field"]')
      .selectOption({ label: 'ИНН (text)' });
    expect(await page.locator('.erpb-save-bar').getAttribute('data-dirty')).toBe('yes');

    await page.getByTestId('erpb-settings-save').click();
    await page.locator('[data-saved="saved"]').waitFor({ timeout: 15_000 });
    expect(putBodies(requests)).toEqual([
      {
        guard: {
          gatedStages: [
            { pipelineId: 8001, statusId: 80013 },
            { pipelineId: 8001, statusId: 80012 },
          ],
          taskResponsibleUserId: 5100002,
        },
        invoices: { allowedUserIds: [5100001], allowedGroupIds: [350001], numberFieldId: 720002 },
        fields: { innFieldId: 740002 },
      },
    ]);
    const saved = await e2e.demo.server.services.accountSettings.get(ACCOUNT);
    expect(saved.invoices).toMatchObject({
      allowedUserIds: [5100001],
      allowedGroupIds: [350001],
      numberFieldId: 720002,
    });
    expect(saved.fields.innFieldId).toBe(740002);
    // The saved view comes back into the pickers.
    expect(await invoices.locator('[data-user="5100001"] input').isChecked()).toBe(true);
    expect(await page.locator('select[name="inn-field"]').inputValue()).toBe('740002');

    // Setting up the native gate turns its status on, naming the field.
    await page.getByTestId('erpb-guard-setup').click();
    await guard.locator('[data-gate-status="on"]').waitFor({ timeout: 15_000 });
    expect(plain(await guard.locator('[data-gate-status]').textContent())).toMatch(/настроен: поле .* #\d+/);
    await page.getByTestId('erpb-guard-lift').click();
    await guard.locator('[data-gate-status="off"]').waitFor({ timeout: 15_000 });
    await page.close();
  });

  it('keeps Save in reach and moves focus to the first error', async () => {
    const { page, requests } = await open('en', 700);
    // Sticky: with the page scrolled to its top, the Save bar is on screen.
    await page.evaluate(() => document.querySelector('.settings-work')?.scrollTo(0, 0));
    const bar = await page.locator('.erpb-save-bar').boundingBox();
    expect(bar).not.toBeNull();
    expect((bar?.y ?? 9999) + (bar?.height ?? 0)).toBeLessThanOrEqual(700 + 1);
    await page.screenshot({ path: screenshotPath('settings-pickers-en.png') });

    // "Move to a stage" without a stage: nothing is sent, the stage picker is marked and focused.
    await page.locator('select[name="guard-action"]').selectOption('move_to');
    await page.getByTestId('erpb-settings-save').click();
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLSelectElement | null)?.name))
      .toBe('guard-action-stage');
    const stageField = page.locator('[data-field="guard.action.stage"]');
    expect(await stageField.getAttribute('class')).toContain('erpb-field--error');
    expect(plain(await stageField.textContent())).toContain('Choose a stage');
    expect(putBodies(requests)).toHaveLength(0);

    // A value the server refuses (a blank tag): its 400 is listed and the tag input takes focus.
    await page.locator('select[name="guard-action-stage"]').selectOption('8001:80011');
    await page.locator('[data-field="guard.tag"] input').fill('   ');
    await page.getByTestId('erpb-settings-save').click();
    await page.getByTestId('erpb-settings-error').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('erpb-settings-error').textContent()).toContain('guard.tag');
    await expect
      .poll(() =>
        page.evaluate(() => document.activeElement?.closest('[data-field]')?.getAttribute('data-field')),
      )
      .toBe('guard.tag');
    await page.close();
  });
});

skippedWithoutBrowser();
