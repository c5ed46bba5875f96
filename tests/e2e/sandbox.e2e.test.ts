import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { canRunBrowser, skippedWithoutBrowser, useBrowserDemo } from '../support/browser-demo.js';
import { signDisposableToken } from '../support/tokens.js';

const SECRET = 'e2e-client-secret-0123456789abcdef';
const ISS = 'https://erpbridgedemo.amocrm.ru';

const e2e = useBrowserDemo(SECRET);

async function openSandbox(lead: number, lang = 'ru'): Promise<Page> {
  const page = await e2e.browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (err) => {
    throw err;
  });
  await page.goto(`${e2e.demo.emulator.url}/sandbox?lead=${lead}&lang=${lang}`);
  return page;
}

const freeCell = (page: Page, sku: string, warehouse: string) =>
  page.locator(`.erpb-root [data-sku="${sku}"] [data-warehouse="${warehouse}"]`);

describe.runIf(canRunBrowser)('sandbox deal card in Chromium', () => {
  it("shows the deal's products with free stock per warehouse from the demo CSV, then another deal's", async () => {
    const page = await openSandbox(1001);
    await page.locator('.erpb-root[data-state="data"]').waitFor({ timeout: 15_000 });

    const skus = await page
      .locator('.erpb-root [data-sku]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sku')));
    expect(skus).toEqual(['DRL-18V', 'SAW-CIRC-190', 'BIT-SET-32']);
    // demo CSV: DRL-18V msk 24 - 4 reserved = 20, spb 6; BIT-SET-32 msk 150 - 10 = 140.
    expect(await freeCell(page, 'DRL-18V', 'msk').textContent()).toContain('20');
    expect(await freeCell(page, 'DRL-18V', 'spb').textContent()).toContain('6');
    expect(await freeCell(page, 'BIT-SET-32', 'msk').textContent()).toContain('140');
    expect(await freeCell(page, 'SAW-CIRC-190', 'spb').textContent()).toContain('0');

    mkdirSync('.tmp', { recursive: true });
    await page.screenshot({ path: join('.tmp', 'sandbox-1001.png'), fullPage: true });

    await page.locator('#sandbox-deal-switcher').selectOption('1002');
    await page.locator('.erpb-root [data-sku="GLV-NIT-L"]').waitFor({ timeout: 15_000 });
    const skus2 = await page
      .locator('.erpb-root [data-sku]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sku')));
    expect(skus2).toEqual(['GLV-NIT-L', 'TAPE-50']);
    // GLV-NIT-L: msk 120 - 20 = 100, spb 30 - 30 = 0; 200 requested -> short.
    expect(await freeCell(page, 'GLV-NIT-L', 'msk').textContent()).toContain('100');
    await page.screenshot({ path: join('.tmp', 'sandbox-1002.png'), fullPage: true });
    await page.close();
  });

  it('shows the empty state for a deal without products and makes no request for an unsaved card', async () => {
    const page = await openSandbox(1003, 'en');
    await page.locator('.erpb-root[data-state="empty"]').waitFor({ timeout: 15_000 });
    // The empty card may still be loading its other sections; only what the unsaved card asks counts.
    await page.waitForLoadState('networkidle');
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(e2e.backend)) requests.push(r.url());
    });
    await page.locator('#sandbox-deal-switcher').selectOption('0');
    await page.locator('.erpb-root[data-state="unsaved"]').waitFor({ timeout: 15_000 });
    expect(requests).toEqual([]);
    await page.close();
  });
});

describe('stock route refuses requests without a valid disposable token', () => {
  const stock = (token?: string) =>
    fetch(`${e2e.backend}/api/v1/leads/1001/stock`, { headers: token ? { 'X-Auth-Token': token } : {} });

  async function expectUnauthorized(res: Response, code: string) {
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({
      status: 401,
      code,
      title: expect.any(String),
      detail: expect.any(String),
    });
  }

  it('answers 200 to a genuine token, so the refusals below are about the token', async () => {
    const res = await stock(
      await signDisposableToken(SECRET, { iss: ISS, aud: e2e.backend, account_id: 31000001 }),
    );
    expect(res.status).toBe(200);
    expect((await res.json()).lines).toHaveLength(3);
  });

  it('without a token', async () => {
    await expectUnauthorized(await stock(), 'auth.missing_token');
  });

  it('with a forged signature', async () => {
    await expectUnauthorized(
      await stock(
        await signDisposableToken('forged-secret-0123456789abcdef', {
          iss: ISS,
          aud: e2e.backend,
          account_id: 31000001,
        }),
      ),
      'auth.invalid_token',
    );
  });

  it('with a wrong audience', async () => {
    await expectUnauthorized(
      await stock(
        await signDisposableToken(SECRET, {
          iss: ISS,
          aud: 'https://someone-else.example',
          account_id: 31000001,
        }),
      ),
      'auth.invalid_token',
    );
  });

  it('with an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    await expectUnauthorized(
      await stock(
        await signDisposableToken(
          SECRET,
          { iss: ISS, aud: e2e.backend, account_id: 31000001 },
          { now: past, ttlSeconds: 1800 },
        ),
      ),
      'auth.expired_token',
    );
  });

  it('answers the CORS preflight only for allowed origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${e2e.backend}/api/v1/leads/1001/stock`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'x-auth-token',
        },
      });
    const ok = await preflight('https://shop.amocrm.ru');
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.amocrm.ru');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-auth-token');
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});

skippedWithoutBrowser();
