import { DEMO_CONTACTS } from '@erp-bridge/emulator-amocrm';
import { describe, expect, it } from 'vitest';
import {
  canRunBrowser,
  openSandbox,
  PANEL_SETTLED,
  panelState,
  plainText,
  settingsPutBodies,
  skippedWithoutBrowser,
  useBrowserDemo,
} from '../support/browser-demo.js';
import { screenshotPath } from '../support/screenshots.js';

const SECRET = 'e2e-customer-client-secret-0123456789';

const e2e = useBrowserDemo(SECRET);

const open = (query: string, height = 900) => openSandbox(e2e, query, { height, ready: PANEL_SETTLED });

const plain = plainText;
const state = panelState;

describe.runIf(canRunBrowser)('contact and company panels in Chromium', () => {
  it('finds the contact in the ERP: debt in red, recent orders and invoices with dates and sums', async () => {
    const { page } = await open('entity=contacts&id=2001&lang=ru');
    expect(await state(page)).toBe('found');
    const panel = page.locator('.erpb-customer');
    expect(await panel.locator('.erpb-name').textContent()).toBe('ООО «Ромашка»');
    expect(plain(await panel.textContent())).toContain('ИНН 7701234567');
    expect(plain(await panel.textContent())).toContain('Найден по полю «Email»');
    const balance = panel.locator('[data-balance]');
    expect(await balance.getAttribute('data-balance')).toBe('debt');
    expect(plain(await balance.textContent())).toBe('Долг 15 000,50 ₽');
    // The theme's "short/debt" red (#b3261e: 6.3:1 on its tint, WCAG AA).
    expect(await balance.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(179, 38, 30)');
    const docs = await panel.locator('.erpb-docs li').allTextContents();
    expect(docs.length).toBeGreaterThan(1);
    for (const doc of docs) expect(plain(doc)).toMatch(/^№ \S+ от \d{2}\.\d{2}\.\d{4}.*\d ₽$/);
    await page.screenshot({ path: screenshotPath('panel-contact.png') });
    await page.close();
  });

  it('shows the same contact in English with English money', async () => {
    const { page } = await open('entity=contacts&id=2001&lang=en');
    expect(plain(await page.locator('[data-balance]').textContent())).toBe('Debt ₽15,000.50');
    expect(plain(await page.locator('.erpb-customer').textContent())).toContain('Recent orders');
    await page.close();
  });

  it('falls back to the contact’s company when the contact matches nobody, and says what was searched', async () => {
    const contact = DEMO_CONTACTS.find((c) => c.id === 2002);
    const { page } = await open('entity=contacts&id=2002&lang=ru');
    expect(await state(page)).toBe('found');
    const via = page.locator('[data-via-company]');
    expect(await via.getAttribute('data-via-company')).toBe('3002');
    const text = plain(await via.textContent());
    expect(text).toContain('Клиент компании «ИП Петров».');
    expect(text).toContain(`Телефон ${contact?.phone}`);
    expect(text).toContain(`Email ${contact?.email}`);
    expect(await page.locator('.erpb-customer .erpb-name').textContent()).toBe('ИП Петров Пётр Петрович');
    await page.close();
  });

  it('not found: says what was searched, searches the ERP by name, picks, and "not this customer" undoes it', async () => {
    const { page, requests } = await open('entity=contacts&id=2003&lang=ru');
    expect(await state(page)).toBe('not_found');
    const panel = page.locator('.erpb-customer');
    expect(plain(await panel.textContent())).toContain('Клиент не найден в ERP.');
    await page.getByLabel('Найти в ERP по названию или ИНН').fill('север');
    await page.keyboard.press('Enter');
    const hit = panel.locator('[data-customer-id]');
    await hit.first().waitFor();
    expect(await hit.count()).toBe(1);
    expect(plain(await hit.locator('b').textContent())).toBe('ООО «СтройМонтаж Север»');
    expect(requests.some((r) => r.url().includes('/api/v1/customers/search?q='))).toBe(true);
    await page.screenshot({ path: screenshotPath('panel-contact-search.png') });
    await hit.first().focus();
    await page.keyboard.press('Enter');
    await page.locator('.erpb-root[data-state="found"]').waitFor({ timeout: 15_000 });
    // Focus stays in the panel after the pick.
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest('.erpb-root')))).toBe(true);
    const undo = page.getByTestId('erpb-unlink-customer');
    expect(plain(await undo.textContent())).toBe('Не этот клиент');
    await undo.focus();
    await page.keyboard.press('Enter');
    await page.locator('.erpb-root[data-state="not_found"]').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest('.erpb-root')))).toBe(true);
    await page.close();
  });

  it('lets the user pick one of several customers, remembers it and shows it', async () => {
    const { page, requests } = await open('entity=companies&id=3003&lang=ru');
    expect(await state(page)).toBe('several');
    const candidates = page.locator('.erpb-customer [data-customer-id]');
    expect(await candidates.count()).toBeGreaterThan(1);
    await page.screenshot({ path: screenshotPath('panel-company.png') });

    const first = candidates.first();
    const id = await first.getAttribute('data-customer-id');
    const name = await first.locator('b').textContent();
    // Keyboard: the candidates are buttons; focus one and press Enter.
    await first.focus();
    await page.keyboard.press('Enter');
    await page.locator('.erpb-root[data-state="found"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('.erpb-customer .erpb-name').textContent()).toBe(name);
    const choice = requests.find(
      (r) => r.method() === 'POST' && r.url().endsWith('/companies/3003/customer'),
    );
    expect(choice?.postDataJSON()).toEqual({ customerId: id });
    await page.close();

    // Remembered: a fresh load shows the chosen customer straight away.
    const again = await open('entity=companies&id=3003&lang=ru');
    expect(await state(again.page)).toBe('found');
    await again.page.close();
  });

  it('switches from a deal to a contact card in page and back', async () => {
    const { page } = await open('lead=1001&lang=ru');
    await page.locator('#sandbox-deal-switcher').selectOption('contacts:2001');
    await page.locator('.erpb-root[data-state="found"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('.erpb-invoices').count()).toBe(0);
    await page.locator('#sandbox-deal-switcher').selectOption('1001');
    await page.locator('.erpb-root[data-state="data"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('.erpb-customer').count()).toBe(0);
    await page.close();
  });
});

describe.runIf(canRunBrowser)('advanced settings page in Chromium', () => {
  const putBodies = settingsPutBodies;

  it('refuses a manager who is not an admin, politely', async () => {
    const { page } = await open('page=settings&lang=ru&admin=0');
    expect(await state(page)).toBe('forbidden');
    expect(await page.locator('#work-area-erp_bridge [role="alert"]').textContent()).toBe(
      'Настройки ERP Bridge может менять только администратор аккаунта.',
    );
    await page.close();
  });

  it('shows every section with health, and saves only what changed', async () => {
    const { page, requests } = await open('page=settings&lang=ru', 800);
    expect(await state(page)).toBe('ready');
    // The alert channels form appears once its own settings have loaded.
    await page.locator('[data-section="alerts"]').waitFor();
    const sections = await page
      .locator('.erpb-section')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-section')));
    expect(sections).toEqual([
      'erp',
      'guard',
      'invoices',
      'fields',
      'loop',
      'health',
      'operator',
      'journal',
      'alerts',
    ]);
    // The demo gates "Счёт выставлен".
    expect(await page.locator('[data-section="guard"] [data-stage]').getAttribute('data-stage')).toBe(
      '8001:80013',
    );
    expect(plain(await page.locator('[data-section="health"]').textContent())).toContain('erpbridgedemo');
    await page.locator('form[data-catalog="ready"]').waitFor({ timeout: 15_000 });
    // The settings column scrolls inside the page (as in amoCRM): grow the window to show all of it.
    const height = await page.evaluate(
      () => 36 + (document.querySelector('.settings-work')?.scrollHeight ?? 800),
    );
    await page.setViewportSize({ width: 1280, height });
    await page.screenshot({ path: screenshotPath('settings.png') });
    await page.setViewportSize({ width: 1280, height: 800 });

    await page
      .locator('[data-section="guard"] label', { hasText: /^Тег/ })
      .locator('input')
      .fill('Нет на складе');
    // Users are picked from amoCRM's list (tests/e2e/settings-pickers.e2e.test.ts covers the pickers).
    await page.locator('form[data-catalog="ready"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-section="invoices"] [data-user="5100001"] input').check();
    await page.locator('[data-section="invoices"] [data-user="5100002"] input').check();
    await page.getByTestId('erpb-settings-save').click();
    await page.locator('[data-saved="saved"]').waitFor({ timeout: 15_000 });
    expect(putBodies(requests)).toEqual([
      { guard: { tag: 'Нет на складе' }, invoices: { allowedUserIds: [5100001, 5100002] } },
    ]);
    const saved = await e2e.demo.server.services.accountSettings.get(31000001);
    expect(saved.guard.tag).toBe('Нет на складе');
    expect(saved.invoices.allowedUserIds).toEqual([5100001, 5100002]);

    // Nothing changed since: nothing is sent.
    await page.getByTestId('erpb-settings-save').click();
    await page.locator('[data-saved="unchanged"]').waitFor();
    expect(putBodies(requests)).toHaveLength(1);
    await page.close();
  });

  it('keeps secrets write-only: typed once, sent once, shown only as "set", never sent back', async () => {
    const { page, requests } = await open('page=settings&lang=en');
    const erp = page.locator('[data-section="erp"]');
    await erp.locator('select[name="erp-kind"]').selectOption('moysklad');
    const token = erp.locator('input[name="erp-token"]');
    expect(await token.getAttribute('type')).toBe('password');
    expect(await token.inputValue()).toBe('');
    expect(await erp.locator('[data-secret]').getAttribute('data-secret')).toBe('not set');
    // Port 9 (discard) refuses at once: the test fails fast and says so.
    await erp.locator('input[name="erp-apiBase"]').fill('http://127.0.0.1:9/api/remap/1.2');
    await token.fill('ms-secret-token-42');

    await page.getByTestId('erpb-test-connection').click();
    await erp.locator('[data-test-result]').waitFor({ timeout: 20_000 });
    expect(await erp.locator('[data-test-result]').getAttribute('data-test-result')).toBe('fail');
    const test = requests.find((r) => r.url().endsWith('/settings/test-connection'));
    expect(test?.postDataJSON()).toEqual({
      erp: { kind: 'moysklad', apiBase: 'http://127.0.0.1:9/api/remap/1.2', token: 'ms-secret-token-42' },
    });

    // The PUT answers with the saved view, which the form restarts from.
    const saved = page.waitForResponse(
      (r) => r.request().method() === 'PUT' && r.url().endsWith('/api/v1/settings'),
    );
    await page.getByTestId('erpb-settings-save').click();
    const view = await (await saved).text();
    await page.locator('[data-saved="saved"]').waitFor();
    expect(putBodies(requests)[0]).toEqual({
      erp: { kind: 'moysklad', apiBase: 'http://127.0.0.1:9/api/remap/1.2', token: 'ms-secret-token-42' },
    });
    expect(view).not.toContain('ms-secret-token-42');
    expect(JSON.parse(view).erp.secrets).toEqual({ token: 'set' });
    // The form is rebuilt from that view: the secret field is empty again, the badge says "set".
    expect(await erp.locator('[data-secret]').getAttribute('data-secret')).toBe('set');
    expect(await token.inputValue()).toBe('');

    // Another change leaves the connection (and its secret) out of the request.
    await page
      .locator('[data-section="fields"] label', { hasText: /^SKU field code/ })
      .locator('input')
      .fill('ARTICLE');
    await page.getByTestId('erpb-settings-save').click();
    await page.locator('[data-saved="saved"]').waitFor();
    await expect.poll(() => putBodies(requests).length).toBe(2);
    expect(putBodies(requests)[1]).toEqual({ fields: { skuFieldCode: 'ARTICLE' } });

    // Back to the demo's embedded store, so the panels keep working.
    await erp.locator('select[name="erp-kind"]').selectOption('local');
    await page
      .locator('[data-section="fields"] label', { hasText: /^SKU field code/ })
      .locator('input')
      .fill('SKU');
    await page.getByTestId('erpb-settings-save').click();
    await expect.poll(() => putBodies(requests).length).toBe(3);
    await page.locator('[data-saved="saved"]').waitFor();
    expect(putBodies(requests)[2]).toMatchObject({ erp: { kind: 'local' }, fields: { skuFieldCode: 'SKU' } });
    await page.close();
  });

  it('shows validation messages: the server 400 next to the form', async () => {
    // Refusals before sending (and focus on the first one): tests/e2e/settings-pickers.e2e.test.ts.
    const { page, requests } = await open('page=settings&lang=en');
    await page.locator('[data-section="guard"] label', { hasText: /^Tag/ }).locator('input').fill('   ');
    await page.getByTestId('erpb-settings-save').click();
    const error = page.getByTestId('erpb-settings-error');
    await error.waitFor({ timeout: 15_000 });
    expect(await error.textContent()).toContain('Settings not saved');
    expect(await error.textContent()).toContain('guard.tag');
    expect(putBodies(requests)).toHaveLength(1);
    await page.close();
  });
});

skippedWithoutBrowser();
