import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, DEMO_COMPANIES, DEMO_CONTACTS } from '../seed.js';
import { TEST_BACKEND, TEST_SECRET, testEmulator } from '../test-helpers.js';

async function token(app: ReturnType<typeof testEmulator>['app'], body?: unknown) {
  const res = await app.request('/sandbox/disposable-token', {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

describe('disposable token', () => {
  it('verifies against the client secret with amoCRM claims', async () => {
    const { app } = testEmulator();
    const jwt = await token(app);
    const { payload, protectedHeader } = await jwtVerify(jwt, new TextEncoder().encode(TEST_SECRET), {
      audience: new URL(TEST_BACKEND).origin,
      issuer: `https://${DEMO_ACCOUNT.subdomain}.amocrm.ru`,
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({
      account_id: DEMO_ACCOUNT.id,
      user_id: DEMO_ACCOUNT.userId,
      client_uuid: 'sandbox-client',
      subdomain: DEMO_ACCOUNT.subdomain,
      is_admin: true,
    });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    const now = Math.floor(Date.now() / 1000);
    expect(payload.nbf).toBeLessThanOrEqual(now);
    expect(payload.exp).toBe((payload.iat ?? 0) + 30 * 60);
  });

  it('uses a new jti every time', async () => {
    const { app } = testEmulator();
    const jtis = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { payload } = await jwtVerify(await token(app), new TextEncoder().encode(TEST_SECRET));
      jtis.add(String(payload.jti));
    }
    expect(jtis.size).toBe(5);
  });

  it('takes user_id and is_admin overrides', async () => {
    const { app } = testEmulator();
    const jwt = await token(app, { user_id: 42, is_admin: false });
    const { payload } = await jwtVerify(jwt, new TextEncoder().encode(TEST_SECRET));
    expect(payload).toMatchObject({ user_id: 42, is_admin: false });
  });

  it('rejects a malformed body', async () => {
    const { app } = testEmulator();
    const res = await app.request('/sandbox/disposable-token', { method: 'POST', body: '{"user_id":"x"}' });
    expect(res.status).toBe(400);
  });

  it('does not verify with another secret', async () => {
    const { app } = testEmulator();
    await expect(jwtVerify(await token(app), new TextEncoder().encode('other'))).rejects.toThrow();
  });
});

describe('sandbox page', () => {
  it('serves the card HTML wired to RequireJS and the host shim', async () => {
    const { app } = testEmulator();
    const res = await app.request('/sandbox?lead=1002&lang=en');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('src="/sandbox/vendor/require.js"');
    expect(html).toContain('src="/sandbox/host.js"');
    expect(html).toContain('id="sandbox-deal-switcher"');
    expect(html).toContain('class="card-widgets__widget" data-code="erp_bridge"');
    expect(html).toMatch(/<option value="1002" selected>/);
    expect(html).toContain('<option value="0">');
    expect(html).toContain('<html lang="en">');
    expect(html).not.toContain(TEST_SECRET);
  });

  it('serves contact and company cards, reachable from the switcher', async () => {
    const { app } = testEmulator();
    const contact = await (await app.request('/sandbox?entity=contacts&id=2001&lang=ru')).text();
    expect(contact).toContain('<main class="card" data-entity="contacts" data-card-id="2001"');
    expect(contact).toMatch(/<option value="contacts:2001" selected>/);
    expect(contact).toContain('<option value="companies:3001">');
    expect(contact).toContain('<option value="1001">');
    expect(contact).toContain('<title>Иван Петров — ');
    expect(contact).toContain('href="/sandbox?entity=contacts&amp;id=2001&amp;lang=en"');
    const cfg = JSON.parse(/window\.__AMO_SANDBOX__ = (.*);<\/script>/.exec(contact)?.[1] ?? '{}');
    const [c, co] = [DEMO_CONTACTS[0], DEMO_COMPANIES[0]];
    expect(cfg.contacts[0]).toEqual({
      id: c.id,
      name: c.name,
      company: c.company,
      phone: c.phone,
      email: c.email,
    });
    expect(cfg.companies[0]).toEqual({ id: co.id, name: co.name, phone: co.phone, inn: co.inn });

    const company = await (await app.request('/sandbox?entity=companies&id=3001&lang=en&admin=0')).text();
    expect(company).toContain('data-entity="companies" data-card-id="3001"');
    expect(company).toMatch(/<option value="companies:3001" selected>/);
    expect(company).toContain('href="/sandbox?entity=companies&amp;id=3001&amp;lang=ru&amp;admin=0"');
    // A bare entity opens its first demo card.
    expect(await (await app.request('/sandbox?entity=companies')).text()).toContain('data-card-id="3001"');
  });

  it('serves the advanced settings page with the widget work area and a link to it', async () => {
    const { app } = testEmulator();
    const html = await (await app.request('/sandbox?page=settings&lang=en')).text();
    expect(html).toContain('<div class="work-area" id="work-area-erp_bridge">');
    expect(html).not.toContain('card-widgets__widget');
    expect(html).toContain('<option value="" selected>Widget settings</option>');
    expect(html).toContain('"page":"settings"');
    const card = await (await app.request('/sandbox?lead=1001&admin=0')).text();
    expect(card).toContain(
      'id="sandbox-settings-link" href="/sandbox?page=settings&amp;lang=ru&amp;admin=0"',
    );
  });

  it('redirects /sandbox/ to the first deal', async () => {
    const { app } = testEmulator();
    const res = await app.request('/sandbox/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/sandbox?lead=1001');
  });

  it('serves the real require.js, jQuery, host.js and card.css', async () => {
    const { app } = testEmulator();
    const requirejs = await app.request('/sandbox/vendor/require.js');
    expect(requirejs.status).toBe(200);
    expect(requirejs.headers.get('content-type')).toContain('javascript');
    expect(await requirejs.text()).toContain('RequireJS');
    const jquery = await app.request('/sandbox/vendor/jquery.js');
    expect(await jquery.text()).toContain('jQuery');
    const host = await app.request('/sandbox/host.js');
    expect(await host.text()).toContain('$authorizedAjax');
    expect((await app.request('/sandbox/card.css')).headers.get('content-type')).toContain('text/css');
    expect((await app.request('/sandbox/vendor/other.js')).status).toBe(404);
  });
});

describe('widget files', () => {
  it('serves the widget directory with content types, re-reading it on each request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amo-widget-'));
    mkdirSync(join(dir, 'i18n'));
    writeFileSync(join(dir, 'manifest.json'), '{"widget":{"version":"1.0.0"}}');
    writeFileSync(join(dir, 'script.js'), 'define([], function () { return function () {}; });');
    writeFileSync(join(dir, 'i18n', 'ru.json'), '{"widget":{"name":"Склад"}}');
    const { app } = testEmulator({ widgetDir: dir });

    const manifest = await app.request('/widgets/erp_bridge/manifest.json');
    expect(manifest.headers.get('content-type')).toContain('application/json');
    expect(await manifest.json()).toEqual({ widget: { version: '1.0.0' } });
    expect((await app.request('/widgets/erp_bridge/script.js?v=1')).headers.get('content-type')).toContain(
      'javascript',
    );
    expect(await (await app.request('/widgets/erp_bridge/i18n/ru.json')).json()).toEqual({
      widget: { name: 'Склад' },
    });

    writeFileSync(join(dir, 'manifest.json'), '{"widget":{"version":"1.0.1"}}');
    expect(await (await app.request('/widgets/erp_bridge/manifest.json')).json()).toEqual({
      widget: { version: '1.0.1' },
    });
    expect((await app.request('/widgets/erp_bridge/missing.js')).status).toBe(404);
    expect((await app.request('/widgets/erp_bridge/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
  });
});

describe('widget archive', () => {
  it('serves files straight from widget.zip and notices a rebuilt archive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amo-widget-zip-'));
    const zip = join(dir, 'widget.zip');
    const build = (version: string) =>
      writeFileSync(
        zip,
        zipSync({
          'manifest.json': strToU8(JSON.stringify({ widget: { version } })),
          'i18n/en.json': strToU8('{"widget":{"name":"Stock"}}'),
        }),
      );
    build('2.0.0');
    const { app } = testEmulator({ widgetDir: zip });
    expect(await (await app.request('/widgets/erp_bridge/manifest.json')).json()).toEqual({
      widget: { version: '2.0.0' },
    });
    expect((await app.request('/widgets/erp_bridge/i18n/en.json')).status).toBe(200);
    expect((await app.request('/widgets/erp_bridge/script.js')).status).toBe(404);
    await new Promise((r) => setTimeout(r, 20));
    build('2.0.1');
    expect(await (await app.request('/widgets/erp_bridge/manifest.json')).json()).toEqual({
      widget: { version: '2.0.1' },
    });
  });
});

describe('theme switch', () => {
  const html = async (query: string) => {
    const { app } = testEmulator();
    return (await app.request(`/sandbox?${query}`)).text();
  };

  it('marks the dark theme on <html> the way the host may (attribute and class by default), and links back', async () => {
    const dark = await html('lead=1001&theme=dark');
    expect(dark).toMatch(/<html lang="ru" data-theme="dark" class="theme-dark">/);
    expect(dark).toContain('id="sandbox-theme-switch" data-theme-to="light"');
    const light = await html('lead=1001');
    expect(light).toMatch(/<html lang="ru">/);
    expect(light).toMatch(/data-theme-to="dark" href="\/sandbox\?lead=1001&amp;lang=ru&amp;theme=dark"/);
  });

  it('can mark it with the attribute only or the class only (UNCONFIRMED which amoCRM uses)', async () => {
    expect(await html('lead=1001&theme=dark&theme_marker=attr')).toMatch(
      /<html lang="ru" data-theme="dark">/,
    );
    expect(await html('lead=1001&theme=dark&theme_marker=class')).toMatch(
      /<html lang="ru" class="theme-dark">/,
    );
  });

  it('keeps the theme across the language links and the settings link', async () => {
    const dark = await html('lead=1001&theme=dark&lang=en');
    expect(dark).toContain('href="/sandbox?lead=1001&amp;lang=ru&amp;theme=dark"');
    expect(dark).toContain('/sandbox?page=settings&amp;lang=en&amp;theme=dark');
  });
});
