import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { pngHeader, widgetSection } from './lib/zip-fixtures.js';
import { manifestI18nKeys } from './lib/zip-i18n.js';
import { IMAGE_SIZES, pngSize } from './lib/zip-images.js';
import { validateWidgetZip } from './lib/zip-rules.js';

const enc = (text: string) => new TextEncoder().encode(text);
const json = (value: unknown) => enc(JSON.stringify(value));

const png = (width: number, height: number) => pngHeader(width, height);

const MANIFEST = {
  widget: widgetSection(['ru', 'en'], 'https://example.com'),
  locations: ['lcard-1', 'settings'],
  settings: { backend_url: { name: 'settings.backend_url', type: 'text', required: false } },
};

const I18N = {
  widget: { name: 'ERP Bridge', description: 'Stock', short_description: 'Stock' },
  settings: { backend_url: 'Backend URL' },
  panel: { title: 'Stock', retry: 'Retry' },
};

/** Files of a valid archive; each test breaks one thing. */
function goodFiles(): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {
    'manifest.json': json(MANIFEST),
    'script.js': enc('define([],function(){var W=function(){this.callbacks={};return this};return W});'),
    'style.css': enc('.erpb-root{color:#313942}'),
    'i18n/ru.json': json(I18N),
    'i18n/en.json': json(I18N),
  };
  for (const [name, [w, h]] of Object.entries(IMAGE_SIZES)) {
    if (name !== 'logo_dp.png') files[`images/${name}`] = png(w, h);
  }
  return files;
}

const check = (files: Record<string, Uint8Array>) => validateWidgetZip(zipSync(files));
const lines = (files: Record<string, Uint8Array>) =>
  check(files).violations.map((v) => `${v.rule}: ${v.detail}`);

describe('validateWidgetZip', () => {
  it('passes a good archive and reports script.js sizes', () => {
    const report = check(goodFiles());
    expect(report.violations).toEqual([]);
    expect(report.script?.raw).toBeGreaterThan(0);
    expect(report.script?.gzip).toBeGreaterThan(0);
  });

  it('accepts directory entries, as zip tools write them', () => {
    expect(
      check({ ...goodFiles(), 'i18n/': new Uint8Array(), 'images/': new Uint8Array() }).violations,
    ).toEqual([]);
  });

  it('flags an i18n key the manifest needs but a locale lacks', () => {
    const en = { ...I18N, settings: {} };
    expect(lines({ ...goodFiles(), 'i18n/en.json': json(en) })).toEqual(
      expect.arrayContaining([
        'i18n: i18n/en.json lacks "settings.backend_url" used by manifest.json',
        expect.stringMatching(
          /^i18n: i18n\/en\.json lacks keys present in other locales: settings\.backend_url/,
        ),
      ]),
    );
  });

  it('flags a UI key present in one locale only', () => {
    const ru = { ...I18N, panel: { ...I18N.panel, stale: 'Устарело' } };
    expect(lines({ ...goodFiles(), 'i18n/ru.json': json(ru) })).toEqual([
      'i18n: i18n/en.json lacks keys present in other locales: panel.stale',
    ]);
  });

  it('flags a locale file missing for a listed locale', () => {
    const files = goodFiles();
    delete files['i18n/en.json'];
    expect(lines(files)).toContain('i18n: i18n/en.json missing for locale "en" listed in widget.locale');
  });

  it('flags a wrong image size', () => {
    expect(lines({ ...goodFiles(), 'images/logo_small.png': png(100, 100) })).toEqual([
      'images: images/logo_small.png is 100x100, must be 108x108',
    ]);
  });

  it('requires logo_min and logo_medium for a card widget, not for a settings-only one', () => {
    const files = goodFiles();
    delete files['images/logo_min.png'];
    expect(lines(files)).toEqual(['images: images/logo_min.png missing']);
    const settingsOnly = { ...files, 'manifest.json': json({ ...MANIFEST, locations: ['settings'] }) };
    expect(lines(settingsOnly)).toEqual([]);
  });

  it('flags an image over 300 KB', () => {
    const big = new Uint8Array(301 * 1024);
    big.set(png(400, 272));
    expect(lines({ ...goodFiles(), 'images/logo_main.png': big })).toEqual([
      'images: images/logo_main.png is 301.0 KB, over 300.0 KB',
    ]);
  });

  it('flags a localhost URL in script.js', () => {
    const script = enc('define([],function(){var B="http://localhost:8787";return function(){}});');
    expect(lines({ ...goodFiles(), 'script.js': script })).toEqual([
      expect.stringMatching(/^hygiene: script\.js contains a local URL \(http:\/\/localhost:8787\)/),
    ]);
  });

  it('flags 127.0.0.1 in any text file', () => {
    const css = enc('.erpb-x{background:url(//127.0.0.1:8787/x.png)}');
    expect(lines({ ...goodFiles(), 'style.css': css })).toEqual([
      expect.stringMatching(/^hygiene: style\.css contains a local URL/),
    ]);
  });

  it('flags a bare localhost host:port', () => {
    const script = enc('define([],function(){var B="localhost:8787";return function(){}});');
    expect(lines({ ...goodFiles(), 'script.js': script })).toEqual([
      expect.stringMatching(/^hygiene: script\.js contains a local URL \(localhost:8787\)/),
    ]);
  });

  it('flags a source map file and a sourceMappingURL comment', () => {
    const script = enc('define([],function(){return function(){}});\n//# sourceMappingURL=script.js.map');
    expect(lines({ ...goodFiles(), 'script.js': script, 'script.js.map': enc('{}') })).toEqual(
      expect.arrayContaining([
        'hygiene: source map script.js.map must not ship',
        'hygiene: script.js references a source map',
        'layout: unexpected entry at the archive root: script.js.map',
      ]),
    );
  });

  it('flags a script that is not an AMD module', () => {
    const script = enc('(function(){window.W=function(){}})();');
    expect(lines({ ...goodFiles(), 'script.js': script })).toEqual([
      'amd: script.js must be an AMD module starting with define(',
    ]);
  });

  it('flags secret-looking strings', () => {
    const script = enc(
      'define([],function(){var c={client_secret:"x"},k={apiKey:"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkw"};return c});',
    );
    expect(lines({ ...goodFiles(), 'script.js': script })).toEqual([
      'hygiene: script.js contains a secret-looking string (client_secret)',
      expect.stringMatching(/^hygiene: script\.js assigns a secret-looking literal/),
    ]);
  });

  it('flags a script.js over the gzip budget', () => {
    const noise = Array.from({ length: 60_000 }, (_, i) => ((i * 2654435761) >>> 7).toString(36)).join('');
    const report = check({ ...goodFiles(), 'script.js': enc(`define([],function(){return "${noise}"});`) });
    expect(report.violations.map((v) => v.rule)).toEqual(['size']);
    expect(report.script?.gzip).toBeGreaterThan(25 * 1024);
  });

  it('flags files nested in a folder instead of at the root', () => {
    const nested = Object.fromEntries(
      Object.entries(goodFiles()).map(([name, bytes]) => [`widget/${name}`, bytes]),
    );
    const out = lines(nested);
    expect(out).toContain(
      "layout: manifest.json must be at the archive root, found widget/manifest.json (zip the folder's contents, not the folder)",
    );
    expect(out).toContain('layout: script.js missing at the archive root');
  });

  it('flags manifest shape errors', () => {
    const manifest = {
      ...MANIFEST,
      widget: { ...MANIFEST.widget, version: '1.2', interface_version: 1, code: 'abc' },
      locations: ['lcard-1', 'kanban-1'],
      settings: { token: { name: 'settings.backend_url', type: 'password' } },
    };
    expect(lines({ ...goodFiles(), 'manifest.json': json(manifest) })).toEqual([
      'manifest: widget.version must be semver (x.y.z), got "1.2"',
      'manifest: widget.interface_version must be 2, got 1',
      'manifest: unknown location "kanban-1"',
      'manifest: settings.token.type must be one of text|pass|users|users_lp|custom',
      'manifest: widget.code / widget.secret_key must not be set: amoCRM assigns them on upload',
    ]);
  });

  it('accepts the advanced settings page and a Digital Pipeline action with logo_dp', () => {
    const manifest = {
      ...MANIFEST,
      locations: [...MANIFEST.locations, 'ccard-1', 'comcard-1', 'advanced_settings', 'digital_pipeline'],
      advanced: { title: 'advanced.title' },
      dp: { settings: {}, action_multiple: false, webhook_url: '{backend}/webhooks/dp/{hook_key}' },
    };
    const i18n = json({ ...I18N, advanced: { title: 'Settings' } });
    const files = {
      ...goodFiles(),
      'manifest.json': json(manifest),
      'i18n/ru.json': i18n,
      'i18n/en.json': i18n,
      'images/logo_dp.png': png(174, 109),
    };
    expect(lines(files)).toEqual([]);
    const baked = {
      ...manifest,
      dp: { ...manifest.dp, webhook_url: 'https://bridge.example/webhooks/dp/x' },
    };
    expect(lines({ ...files, 'manifest.json': json(baked) })).toEqual([]);
  });

  it('requires logo_dp.png (174x109) and a dp section for digital_pipeline', () => {
    const manifest = { ...MANIFEST, locations: [...MANIFEST.locations, 'digital_pipeline'] };
    expect(lines({ ...goodFiles(), 'manifest.json': json(manifest) })).toEqual([
      'manifest: the digital_pipeline location needs a "dp" section',
      'images: images/logo_dp.png missing',
    ]);
    const withDp = { ...manifest, dp: { settings: {}, webhook_url: 'https://b.example/webhooks/dp/k' } };
    expect(
      lines({ ...goodFiles(), 'manifest.json': json(withDp), 'images/logo_dp.png': png(174, 110) }),
    ).toEqual(['images: images/logo_dp.png is 174x110, must be 174x109']);
  });

  it('flags a malformed dp section', () => {
    const manifest = {
      ...MANIFEST,
      locations: [...MANIFEST.locations, 'digital_pipeline'],
      dp: { settings: [], action_multiple: 'no', webhook_url: 'http://bridge.example/webhooks/dp' },
    };
    expect(
      lines({ ...goodFiles(), 'manifest.json': json(manifest), 'images/logo_dp.png': png(174, 109) }),
    ).toEqual([
      'manifest: dp.settings must be an object',
      'manifest: dp.action_multiple must be a boolean',
      'manifest: dp.webhook_url must be an https URL or start with {backend}/, got "http://bridge.example/webhooks/dp"',
    ]);
  });

  it('requires advanced.title for the advanced_settings location, translated in every locale', () => {
    const manifest = { ...MANIFEST, locations: [...MANIFEST.locations, 'advanced_settings'] };
    expect(lines({ ...goodFiles(), 'manifest.json': json(manifest) })).toEqual([
      'manifest: the advanced_settings location needs "advanced": {"title": <i18n key>}',
    ]);
    const titled = { ...manifest, advanced: { title: 'advanced.title' } };
    expect(lines({ ...goodFiles(), 'manifest.json': json(titled) })).toEqual([
      'i18n: i18n/ru.json lacks "advanced.title" used by manifest.json',
      'i18n: i18n/en.json lacks "advanced.title" used by manifest.json',
    ]);
  });

  it('rejects bytes that are not a zip', () => {
    expect(validateWidgetZip(enc('not a zip')).violations[0]?.rule).toBe('zip');
  });
});

describe('manifestI18nKeys', () => {
  it('collects widget texts, setting names and other dotted values, not versions or URLs', () => {
    const keys = manifestI18nKeys({
      ...MANIFEST,
      advanced: { title: 'advanced.title' },
      dp: { webhook_url: 'https://hooks.example.com/dp' },
    } as never);
    expect(keys.sort()).toEqual(
      [
        'advanced.title',
        'settings.backend_url',
        'widget.description',
        'widget.name',
        'widget.short_description',
      ].sort(),
    );
  });
});

describe('pngSize', () => {
  it('reads width and height from the IHDR chunk', () => {
    expect(pngSize(png(240, 84))).toEqual({ width: 240, height: 84 });
    expect(pngSize(enc('GIF89a........................'))).toBeUndefined();
  });
});
