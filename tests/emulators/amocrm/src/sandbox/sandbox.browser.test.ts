import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from '../../../../support/browser.js';
import { type StartedAmoEmulator, startAmoEmulator } from '../index.js';
import { DEMO_ACCOUNT, DEMO_COMPANIES } from '../seed.js';
import { TEST_SECRET, TEST_TOKEN } from '../test-helpers.js';

/** A 1x1 blue PNG; the page scales it to the logo box. */
const LOGO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGPQqTgOAAI/AWxZhYwqAAAAAElFTkSuQmCC',
  'base64',
);

/** A widget that exercises the host contract: AMD define, render_template, i18n, $authorizedAjax. */
const FAKE_SCRIPT = `
define(['jquery'], function ($) {
  return function () {
    var self = this;
    window.__events = window.__events || [];
    this.callbacks = {
      render: function () {
        window.__areas = window.__areas || [];
        window.__areas.push(self.system().area + ':' + AMOCRM.data.current_entity);
        if (self.system().area === 'advanced_settings') return true;
        window.__events.push('render:' + AMOCRM.data.current_card.id);
        self.render_template({
          caption: { class_name: 'fake-caption' },
          body: '<div class="fake-root"><b class="fake-title">' + self.i18n('panel.title') + '</b> <span class="fake-lead">' +
            AMOCRM.data.current_card.id + '</span></div>',
          render: ''
        });
        return true;
      },
      init: function () { window.__events.push('init'); return true; },
      bind_actions: function () {
        window.__events.push('bind_actions');
        if (!AMOCRM.data.current_card) return true;
        var id = AMOCRM.data.current_card.id;
        self.$authorizedAjax({ url: self.get_settings().backend_url + '/echo?lead=' + id, dataType: 'json' })
          .then(function (r) {
            $('.fake-root').append('<div class="fake-echo" data-token="' + r.token + '">token:' + r.hasToken + '</div>');
          });
        self.$authorizedAjax({ url: self.get_settings().backend_url + '/forbidden', dataType: 'json' })
          .fail(function (xhr) {
            $('.fake-root').append('<div class="fake-fail">' + xhr.status + ':' + xhr.responseJSON.code + '</div>');
          });
        return true;
      },
      advancedSettings: function () {
        window.__events.push('advancedSettings');
        $('#work-area-' + self.get_settings().widget_code).html('<div class="fake-settings">' + self.i18n('panel.title') + '</div>');
        return true;
      },
      destroy: function () { window.__events.push('destroy'); }
    };
    return this;
  };
});
`;

function writeFakeWidget(): string {
  const dir = mkdtempSync(join(tmpdir(), 'amo-fake-widget-'));
  mkdirSync(join(dir, 'i18n'));
  mkdirSync(join(dir, 'images'));
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      widget: { name: 'widget.name', version: '0.0.7', interface_version: 2 },
      locations: ['lcard-1'],
    }),
  );
  writeFileSync(
    join(dir, 'i18n', 'ru.json'),
    JSON.stringify({ widget: { name: 'Склад ERP' }, panel: { title: 'Остатки' } }),
  );
  writeFileSync(
    join(dir, 'i18n', 'en.json'),
    JSON.stringify({ widget: { name: 'ERP stock' }, panel: { title: 'Stock' } }),
  );
  writeFileSync(join(dir, 'images', 'logo_min.png'), LOGO);
  writeFileSync(join(dir, 'script.js'), FAKE_SCRIPT);
  return dir;
}

/** Stands in for our backend: CORS for any origin, echoes whether X-Auth-Token came. */
function startEchoBackend(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Allow-Headers', 'X-Auth-Token, Content-Type');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const token = req.headers['x-auth-token'];
    if (req.url?.startsWith('/forbidden')) {
      res.writeHead(403, { 'Content-Type': 'application/problem+json' });
      return void res.end(JSON.stringify({ status: 403, code: 'auth.forbidden' }));
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ hasToken: typeof token === 'string' && token.length > 0, token }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

describe.skipIf(!findChromium())('sandbox page in Chromium', () => {
  let backend: { server: Server; url: string };
  let emulator: StartedAmoEmulator;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    backend = await startEchoBackend();
    emulator = await startAmoEmulator({
      clientSecret: TEST_SECRET,
      backendUrl: backend.url,
      widgetDir: writeFakeWidget(),
      accessToken: TEST_TOKEN,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 820 } });
  });

  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
    await new Promise((resolve) => backend?.server.close(resolve));
  });

  it('loads the widget through RequireJS and renders it into the panel', async () => {
    await page.goto(`${emulator.url}/sandbox?lead=1001&lang=ru`);
    const widget = page.locator('.card-widgets__widget[data-code="erp_bridge"]');
    await expect.poll(() => widget.locator('.fake-title').textContent()).toBe('Остатки');
    expect(await widget.locator('.fake-lead').textContent()).toBe('1001');
    expect(await widget.locator('.card-widgets__widget__caption.fake-caption').textContent()).toContain(
      'Склад ERP',
    );
    expect(await page.locator('.card-fields__name').textContent()).toBe('ООО Ромашка — поставка инструмента');
    expect(await page.evaluate(() => (window as unknown as { __events: string[] }).__events)).toEqual([
      'render:1001',
      'init',
      'bind_actions',
    ]);
  });

  it('sends a verifiable disposable token cross-origin via $authorizedAjax', async () => {
    const echo = page.locator('.fake-echo');
    await expect.poll(() => echo.textContent()).toBe('token:true');
    const token = (await echo.getAttribute('data-token')) ?? '';
    const { payload } = await jwtVerify(token, new TextEncoder().encode(TEST_SECRET), {
      audience: backend.url,
      issuer: `https://${DEMO_ACCOUNT.subdomain}.amocrm.ru`,
    });
    expect(payload.account_id).toBe(DEMO_ACCOUNT.id);
  });

  it('hands the failing jqXHR to the failure callback', async () => {
    await expect.poll(() => page.locator('.fake-fail').textContent()).toBe('403:auth.forbidden');
  });

  it('draws a card that looks like amoCRM (screenshot)', async () => {
    await page.waitForLoadState('networkidle');
    const shot = join(tmpdir(), 'amo-sandbox-1001.png');
    await page.screenshot({ path: shot });
    expect(existsSync(shot)).toBe(true);
  });

  it('switches deals in page: destroy, then render/init/bind_actions for the new card', async () => {
    await page.selectOption('#sandbox-deal-switcher', '1004');
    await expect.poll(() => page.locator('.fake-lead').textContent()).toBe('1004');
    expect(
      await page.evaluate(() => (window as unknown as { __events: string[] }).__events.slice(3)),
    ).toEqual(['destroy', 'render:1004', 'init', 'bind_actions']);
    expect(new URL(page.url()).searchParams.get('lead')).toBe('1004');
    expect(await page.locator('.card-fields__name').textContent()).toBe('СтройМонтаж — кабель');
    await expect.poll(() => page.locator('.fake-echo').textContent()).toBe('token:true');

    await page.selectOption('#sandbox-deal-switcher', '0');
    await expect.poll(() => page.locator('.fake-lead').textContent()).toBe('0');
    expect(
      await page.evaluate(
        () =>
          (window as unknown as { AMOCRM: { data: { current_card: { id: number } } } }).AMOCRM.data
            .current_card.id,
      ),
    ).toBe(0);
  });

  it('switches to contact and company cards in page, with their area and entity', async () => {
    await page.goto(`${emulator.url}/sandbox?lead=1001&lang=ru`);
    await expect.poll(() => page.locator('.fake-lead').textContent()).toBe('1001');
    await page.selectOption('#sandbox-deal-switcher', 'contacts:2001');
    await expect.poll(() => page.locator('.fake-lead').textContent()).toBe('2001');
    expect(await page.locator('.card-fields__name').textContent()).toBe('Иван Петров');
    expect(await page.locator('main.card').getAttribute('data-entity')).toBe('contacts');
    expect(new URL(page.url()).search).toBe('?lang=ru&entity=contacts&id=2001');
    await page.selectOption('#sandbox-deal-switcher', 'companies:3002');
    await expect.poll(() => page.locator('.fake-lead').textContent()).toBe('3002');
    expect(await page.locator('.card-rows').textContent()).toContain(DEMO_COMPANIES[1].inn);
    expect(await page.evaluate(() => (window as unknown as { __areas: string[] }).__areas)).toEqual([
      'lcard:leads',
      'ccard:contacts',
      'comcard:companies',
    ]);
  });

  it('opens the advanced settings page and calls advancedSettings() after render/init/bind_actions', async () => {
    await page.goto(`${emulator.url}/sandbox?page=settings&lang=ru`);
    await expect
      .poll(() => page.locator('#work-area-erp_bridge .fake-settings').textContent())
      .toBe('Остатки');
    expect(await page.evaluate(() => (window as unknown as { __events: string[] }).__events)).toEqual([
      'init',
      'bind_actions',
      'advancedSettings',
    ]);
    expect(await page.evaluate(() => (window as unknown as { __areas: string[] }).__areas)).toEqual([
      'advanced_settings:settings',
    ]);
    // Picking a card from the settings page opens it as a page.
    await page.selectOption('#sandbox-deal-switcher', 'contacts:2002');
    await page.waitForURL(/entity=contacts&id=2002/);
    await expect.poll(() => page.locator('.fake-lead').textContent()).toBe('2002');
  });

  it('renders in English with ?lang=en', async () => {
    await page.goto(`${emulator.url}/sandbox?lead=1002&lang=en`);
    await expect.poll(() => page.locator('.fake-title').textContent()).toBe('Stock');
    expect(await page.locator('.card-tabs__tab.is-active').textContent()).toBe('Main');
    expect(
      await page.evaluate(() => (window as unknown as { __sandbox: { errors: string[] } }).__sandbox.errors),
    ).toEqual([]);
  });
});
