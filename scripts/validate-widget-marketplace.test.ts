import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { pngHeader, widgetSection } from './lib/zip-fixtures.js';
import { IMAGE_SIZES } from './lib/zip-images.js';
import { validateWidgetZip } from './lib/zip-rules.js';

const enc = (text: string) => new TextEncoder().encode(text);
const json = (value: unknown) => enc(JSON.stringify(value, null, 2));

const png = pngHeader;

const LOCALES = ['ru', 'en', 'es', 'pt'];
const TOUR = ['/images/tour_1.png', '/images/tour_2.png'];
const manifest = () => ({
  widget: widgetSection([...LOCALES], 'https://example.com/help'),
  locations: ['lcard-1', 'advanced_settings', 'digital_pipeline'] as string[],
  tour: {
    is_tour: true,
    tour_images: Object.fromEntries(LOCALES.map((l) => [l, TOUR])) as Record<string, string[]>,
    tour_description: 'widget.tour_description',
  },
  advanced: { title: 'advanced.title' },
  dp: { settings: {}, action_multiple: false, webhook_url: 'https://erp.example.com/webhooks/dp' },
});
const I18N = {
  widget: {
    name: 'ERP Bridge',
    description: 'Stock in the card',
    short_description: 'Stock',
    tour_description: 'Open a deal',
  },
  advanced: { title: 'ERP Bridge' },
};
const SCRIPT = `define(['jquery'], function ($) {
  var AREAS = { lcard: 'leads' };
  var W = function () {
    this.callbacks = {
      render: function () { return true; },
      advancedSettings: function () { return true; },
    };
    return this;
  };
  return W;
});
`;

function goodFiles(m: ReturnType<typeof manifest> = manifest()): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {
    'manifest.json': json(m),
    'script.js': enc(SCRIPT),
    'style.css': enc(
      '.erpb-root { color: #313942; }\n@media (max-width: 300px) { .erpb-root a.erpb-x { gap: 0; } }\n',
    ),
  };
  for (const l of LOCALES) files[`i18n/${l}.json`] = json(I18N);
  for (const [name, [w, h]] of Object.entries(IMAGE_SIZES)) files[`images/${name}`] = png(w, h);
  files['images/tour_1.png'] = png(1188, 616);
  files['images/tour_2.png'] = png(1188, 616);
  return files;
}

const lines = (files: Record<string, Uint8Array>) =>
  validateWidgetZip(zipSync(files), { marketplace: true }).violations.map((v) => `${v.rule}: ${v.detail}`);
/** Exactly one violation line, matching `pattern`. */
const expectOne = (files: Record<string, Uint8Array>, pattern: RegExp) => {
  const found = lines(files);
  expect(found, found.join('\n')).toHaveLength(1);
  expect(found[0]).toMatch(pattern);
  expect(found[0]).toMatch(/\(https:\/\/(developers\.kommo\.com|www\.kommo\.com)\//);
};

describe('marketplace listing rules', () => {
  it('pass a good archive', () => {
    expect(lines(goodFiles())).toEqual([]);
  });

  it('need the tour, with is_tour true and 1 to 5 slides of 1188x616 per locale', () => {
    const m = manifest();
    m.tour.is_tour = false;
    expectOne(goodFiles(m), /marketplace\.tour: .*is_tour/);
    const many = manifest();
    many.tour.tour_images.es = Array.from({ length: 6 }, () => TOUR[0] as string);
    expectOne(goodFiles(many), /tour_images\.es must list 1 to 5/);
    const files = goodFiles();
    files['images/tour_2.png'] = png(1200, 600);
    expect(lines(files).filter((l) => /tour_2\.png is 1200x600/.test(l)).length).toBe(4);
    const missing = manifest();
    missing.tour.tour_images.pt = ['/images/nope.png'];
    expectOne(goodFiles(missing), /tour_images\.pt: "\/images\/nope\.png" is not in the archive/);
  });

  it('need installation and support link + email', () => {
    const m = manifest();
    (m.widget as { installation: boolean }).installation = false;
    expectOne(goodFiles(m), /marketplace\.installation: widget\.installation must be true/);
    const s = manifest();
    s.widget.support = { link: 'http://example.com', email: 'support@example.com' };
    expectOne(goodFiles(s), /support\.link must be an https URL/);
  });

  it('need ru, en, es, pt; tr and id may fall back to en', () => {
    const m = manifest();
    m.widget.locale = ['ru', 'en', 'es'];
    const { es: _es, ...tour } = m.tour.tour_images;
    m.tour.tour_images = { ...tour, es: TOUR };
    const files = goodFiles(m);
    delete files['i18n/pt.json'];
    expectOne(files, /marketplace\.locales: widget\.locale lacks "pt"/);
    // Without en, tr and id have no fallback either.
    expect(
      validateWidgetZip(zipSync(goodFiles()), {
        marketplace: { fallbackLocales: { tr: 'de' } },
      }).violations.map((v) => v.detail),
    ).toEqual([expect.stringMatching(/neither "tr" nor its fallback "de"/)]);
  });

  it('keep the name within 30 characters and the description within 400, in every locale', () => {
    const files = goodFiles();
    files['i18n/es.json'] = json({ ...I18N, widget: { ...I18N.widget, name: 'E'.repeat(31) } });
    expectOne(files, /widget\.name in es is 31 characters, at most 30/);
    const long = goodFiles();
    long['i18n/pt.json'] = json({ ...I18N, widget: { ...I18N.widget, description: 'd'.repeat(401) } });
    expectOne(long, /widget\.description in pt is 401 characters, at most 400/);
  });

  it('need the five logos and logo_dp for a digital_pipeline widget', () => {
    const files = goodFiles();
    delete files['images/logo.png'];
    expect(lines(files)).toContainEqual(
      expect.stringMatching(/marketplace\.images: images\/logo\.png \(130x100\)/),
    );
    const dp = goodFiles();
    delete dp['images/logo_dp.png'];
    expect(lines(dp)).toContainEqual(expect.stringMatching(/images\/logo_dp\.png \(174x109\) is required/));
  });

  it('refuse minified code', () => {
    const files = goodFiles();
    files['script.js'] = enc(`define([],function(){${'var a=1;'.repeat(400)}return function(){}});`);
    expect(lines(files)).toContainEqual(
      expect.stringMatching(/marketplace\.code: script\.js looks minified/),
    );
  });

  it.each([
    ['eval', 'eval("1");', /calls eval/],
    ['new Function', 'var f = new Function("return 1");', /new Function/],
    ['a script tag', 'document.head.appendChild(document.createElement("script"));', /injects a script tag/],
    ['a write to APP', 'APP.data.x = 1;', /writes to APP/],
    ['a synchronous request', '$.ajax({ url: "/x", async: false });', /synchronous request/],
    ['a dynamic import', 'import("https://cdn.example.com/x.js");', /besides RequireJS/],
  ])('refuse %s in script.js', (_name, line, pattern) => {
    const files = goodFiles();
    files['script.js'] = enc(SCRIPT.replace('var AREAS', `${line}\n  var AREAS`));
    expectOne(files, pattern);
  });

  it('refuse code that is not a RequireJS module with dependencies', () => {
    const files = goodFiles();
    files['script.js'] = enc(`define(function () {\n  var lcard = 1;\n  return {};\n});\n`);
    expect(lines(files)).toContainEqual(expect.stringMatching(/define\(\[deps\], function/));
  });

  it('refuse a BOM, CR line endings and invalid UTF-8', () => {
    const bom = goodFiles();
    bom['style.css'] = new Uint8Array([0xef, 0xbb, 0xbf, ...enc('.erpb-root { color: red; }\n')]);
    expectOne(bom, /marketplace\.encoding: style\.css starts with a BOM/);
    const crlf = goodFiles();
    crlf['script.js'] = enc(SCRIPT.replaceAll('\n', '\r\n'));
    expectOne(crlf, /script\.js has CR line endings/);
    const bad = goodFiles();
    bad['i18n/en.json'] = new Uint8Array([...json(I18N).slice(0, -1), 0xff, 0x7d]);
    expect(lines(bad)).toContainEqual(expect.stringMatching(/i18n\/en\.json is not valid UTF-8/));
  });

  it('refuse CSS rules not scoped under the widget root class', () => {
    const files = goodFiles();
    files['style.css'] = enc(
      '.erpb-root { color: red; }\n@media print { body, .erpb-x { margin: 0; } }\n.other .erpb-x { gap: 0; }\n',
    );
    expect(lines(files)).toEqual([
      expect.stringMatching(/marketplace\.css: style\.css: "body" is not scoped/),
      expect.stringMatching(/"\.other \.erpb-x" is not scoped/),
    ]);
  });

  it("accept the host's theme marker on html or body before the widget root, nothing else", () => {
    const files = goodFiles();
    files['style.css'] = enc(
      'html[data-theme="dark"] .erpb-root { color: #fff; }\nbody.theme-dark .erpb-x { gap: 0; }\nhtml .other { gap: 0; }\n',
    );
    expect(lines(files)).toEqual([expect.stringMatching(/"html \.other" is not scoped/)]);
  });

  it('refuse a declared location the widget does not use', () => {
    const m = manifest();
    m.locations.push('ccard-1');
    expectOne(goodFiles(m), /location "ccard-1" is declared but script\.js never uses it/);
  });
});
