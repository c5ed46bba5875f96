/**
 * The marketplace listing rules (Kommo / amoCRM moderation), on top of the upload rules in
 * zip-rules.ts. Each rule names the documentation page it comes from; where the documentation
 * gives no number the value is an option (UNCONFIRMED), so a stricter moderator can be followed
 * without a code change.
 */
import { IMAGE_BYTES_LIMIT, IMAGE_SIZES, isObject, type Json, lookup, pngSize } from './zip-rules.js';

const DOCS = {
  manifest: 'https://developers.kommo.com/docs/manifest-json',
  listed: 'https://developers.kommo.com/docs/getting-listed',
  structure: 'https://developers.kommo.com/docs/structure-widget',
  locations: 'https://developers.kommo.com/docs/widget-locations',
  dp: 'https://developers.kommo.com/docs/widgets-dp',
  install: 'https://www.kommo.com/developers/content/oauth/public-integrations/',
} as const;

export interface ListingRules {
  /** Locales the listing must carry: amoCRM lists ru, Kommo en, es, pt (manifest-json, getting-listed). */
  requiredLocales: string[];
  /** Kommo's other locales and the one that stands in for them (UNCONFIRMED: tr and id may fall back to en). */
  fallbackLocales: Record<string, string>;
  /** Widget name as shown in the marketplace (getting-listed: at most 30 characters). */
  nameMax: number;
  /** Description (getting-listed: at most 400 characters). */
  descriptionMax: number;
  /** Short description: no number in the docs (UNCONFIRMED), kept to one line of the tile. */
  shortDescriptionMax: number;
  /** Tour slides per locale (manifest-json `tour.tour_images`; getting-listed: 1 to 5, 1188x616). */
  tourImages: { min: number; max: number; width: number; height: number };
  /** Every CSS selector must start under a class with this prefix (structure-widget, style.css). */
  cssRootPrefix: string;
  /** A line longer than this, or a mean line length above meanLineMax, reads as minified code. */
  longLineMax: number;
  meanLineMax: number;
}

export const DEFAULT_LISTING_RULES: ListingRules = {
  requiredLocales: ['ru', 'en', 'es', 'pt'],
  fallbackLocales: { tr: 'en', id: 'en' },
  nameMax: 30,
  descriptionMax: 400,
  shortDescriptionMax: 120,
  tourImages: { min: 1, max: 5, width: 1188, height: 616 },
  cssRootPrefix: 'erpb-',
  longLineMax: 1000,
  meanLineMax: 120,
};

/** The five logos every listing shows, plus logo_dp for a digital_pipeline widget (structure-widget, images/). */
const LISTING_LOGOS = ['logo_main.png', 'logo_medium.png', 'logo.png', 'logo_small.png', 'logo_min.png'];

/**
 * What in script.js shows that a declared location is used (widget-locations: declare only what
 * the widget uses). Card and list areas are named in the code; settings pages by their callbacks;
 * digital_pipeline by the manifest's dp section (the action runs on the backend).
 */
const LOCATION_EVIDENCE: Record<string, RegExp> = {
  lcard: /["'`]lcard["'`]|\blcard\s*:/,
  ccard: /["'`]ccard["'`]|\bccard\s*:/,
  comcard: /["'`]comcard["'`]|\bcomcard\s*:/,
  cucard: /["'`]cucard["'`]|\bcucard\s*:/,
  llist: /["'`](?:llist|leads\.selected)["'`]|\bleads\.selected\b/,
  clist: /["'`](?:clist|contacts\.selected)["'`]/,
  comlist: /["'`]comlist["'`]/,
  tlist: /["'`](?:tlist|tasks\.selected)["'`]/,
  settings: /\bsettings\s*:/,
  advanced_settings: /\badvancedSettings\b/,
  card_sdk: /\bloadPreloadedData\b|\bloadElements\b/,
  salesbot_designer: /\bonSalesbotDesignerSave\b/,
};

export interface ListingInput {
  names: string[];
  files: Record<string, Uint8Array>;
  text: (name: string) => string;
  manifest: Json | undefined;
}

type Add = (rule: string, detail: string) => void;

export function checkListing(input: ListingInput, options: Partial<ListingRules>, add: Add): void {
  const rules = { ...DEFAULT_LISTING_RULES, ...options };
  const cite = (rule: string, doc: keyof typeof DOCS) => (detail: string) =>
    add(`marketplace.${rule}`, `${detail} (${DOCS[doc]})`);
  const manifest = isObject(input.manifest) ? input.manifest : undefined;
  const widget = manifest && isObject(manifest.widget) ? manifest.widget : undefined;
  if (!manifest || !widget) {
    cite('manifest', 'manifest')('manifest.json with a "widget" object is needed for the listing');
    return;
  }
  const locales = Array.isArray(widget.locale) ? widget.locale.filter((l) => typeof l === 'string') : [];
  const messages = new Map<string, Json>();
  for (const locale of locales) {
    const file = `i18n/${locale}.json`;
    if (!input.names.includes(file)) continue;
    try {
      messages.set(locale, JSON.parse(input.text(file)) as Json);
    } catch {
      // zip-rules reports the broken file.
    }
  }

  checkMeta(widget, cite);
  checkLocales(locales, rules, cite('locales', 'listed'));
  checkTexts(widget, messages, rules, cite('texts', 'listed'));
  checkTour(manifest, locales, messages, input, rules, cite('tour', 'manifest'));
  checkLogos(manifest, input, cite('images', 'structure'));
  checkCode(input, rules, cite);
  checkLocations(manifest, input, cite('locations', 'locations'));
}

type Cite = (rule: string, doc: keyof typeof DOCS) => (detail: string) => void;

function checkMeta(widget: { [key: string]: Json }, cite: Cite): void {
  // Marketplace widgets install from the widget's own button (OAuth with from_widget).
  if (widget.installation !== true) cite('installation', 'install')('widget.installation must be true');
  const support = widget.support;
  const bad = cite('support', 'listed');
  if (!isObject(support)) {
    bad('widget.support {link, email} is required: the listing shows where to get help');
    return;
  }
  if (typeof support.link !== 'string' || !/^https:\/\/\S+$/.test(support.link))
    bad('widget.support.link must be an https URL');
  if (typeof support.email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(support.email))
    bad('widget.support.email must be an e-mail address');
}

function checkLocales(locales: string[], rules: ListingRules, bad: (d: string) => void): void {
  for (const locale of rules.requiredLocales) {
    if (!locales.includes(locale)) bad(`widget.locale lacks "${locale}"`);
  }
  for (const [locale, fallback] of Object.entries(rules.fallbackLocales)) {
    if (!locales.includes(locale) && !locales.includes(fallback))
      bad(`widget.locale has neither "${locale}" nor its fallback "${fallback}"`);
  }
}

/** Name and description lengths, in every locale, measured on the translated text. */
function checkTexts(
  widget: { [key: string]: Json },
  messages: Map<string, Json>,
  rules: ListingRules,
  bad: (d: string) => void,
): void {
  const limits: [string, number][] = [
    ['name', rules.nameMax],
    ['short_description', rules.shortDescriptionMax],
    ['description', rules.descriptionMax],
  ];
  for (const [locale, tree] of messages) {
    for (const [key, max] of limits) {
      const ref = widget[key];
      if (typeof ref !== 'string') continue;
      const value = lookup(tree, ref);
      const text = typeof value === 'string' ? value : ref;
      const length = [...text].length;
      if (length > max) bad(`widget.${key} in ${locale} is ${length} characters, at most ${max}`);
    }
  }
}

function checkTour(
  manifest: { [key: string]: Json },
  locales: string[],
  messages: Map<string, Json>,
  input: ListingInput,
  rules: ListingRules,
  bad: (d: string) => void,
): void {
  const tour = manifest.tour;
  if (!isObject(tour) || tour.is_tour !== true) {
    bad('manifest.tour with "is_tour": true and tour_images is required');
    return;
  }
  const images = tour.tour_images;
  if (!isObject(images)) {
    bad('tour.tour_images must map each locale to its slides');
    return;
  }
  const { min, max, width, height } = rules.tourImages;
  for (const locale of locales) {
    const list = images[locale] ?? images[rules.fallbackLocales[locale] ?? ''];
    if (!Array.isArray(list) || list.length < min || list.length > max) {
      bad(`tour.tour_images.${locale} must list ${min} to ${max} images`);
      continue;
    }
    for (const path of list) {
      const name = typeof path === 'string' ? path.replace(/^\/+/, '') : '';
      const bytes = input.files[name];
      if (!name || !bytes) {
        bad(`tour.tour_images.${locale}: ${JSON.stringify(path)} is not in the archive`);
        continue;
      }
      const size = pngSize(bytes);
      if (!size) bad(`${name} is not a PNG`);
      else if (size.width !== width || size.height !== height)
        bad(`${name} is ${size.width}x${size.height}, tour slides must be ${width}x${height}`);
      if (bytes.length > IMAGE_BYTES_LIMIT) bad(`${name} is over ${IMAGE_BYTES_LIMIT / 1024} KB`);
    }
  }
  if (typeof tour.tour_description === 'string') {
    for (const [locale, tree] of messages) {
      const value = lookup(tree, tour.tour_description);
      if (typeof value !== 'string' || !value.trim())
        bad(`i18n/${locale}.json lacks "${tour.tour_description}" (tour.tour_description)`);
    }
  } else {
    bad('tour.tour_description (an i18n key) is required');
  }
}

function checkLogos(manifest: { [key: string]: Json }, input: ListingInput, bad: (d: string) => void): void {
  const locations = Array.isArray(manifest.locations) ? manifest.locations : [];
  const needed = [...LISTING_LOGOS, ...(locations.includes('digital_pipeline') ? ['logo_dp.png'] : [])];
  for (const name of needed) {
    const [w, h] = IMAGE_SIZES[name] ?? [0, 0];
    if (!input.names.includes(`images/${name}`))
      bad(`images/${name} (${w}x${h}) is required for the listing`);
  }
}

/** Code rules of the getting-listed checklist ("Development"), on every text file of the archive. */
function checkCode(input: ListingInput, rules: ListingRules, cite: Cite): void {
  const encoding = cite('encoding', 'listed');
  for (const name of input.names.filter((n) => /\.(js|json|css|twig|html)$/i.test(n))) {
    const bytes = input.files[name] ?? new Uint8Array();
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) encoding(`${name} starts with a BOM`);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      encoding(`${name} is not valid UTF-8`);
    }
    if (bytes.includes(0x0d)) encoding(`${name} has CR line endings (LF only)`);
  }

  if (input.names.includes('script.js')) checkScript(input.text('script.js'), rules, cite);
  if (input.names.includes('style.css')) checkCss(input.text('style.css'), rules, cite('css', 'structure'));
}

function checkScript(code: string, rules: ListingRules, cite: Cite): void {
  const code_ = cite('code', 'listed');
  const lines = code.split('\n');
  const longest = Math.max(...lines.map((l) => l.length));
  const mean = code.length / lines.length;
  if (longest > rules.longLineMax || mean > rules.meanLineMax)
    code_(
      `script.js looks minified (longest line ${longest}, mean ${Math.round(mean)} characters): moderation reviews readable code`,
    );
  if (/\beval\s*\(/.test(code)) code_('script.js calls eval');
  if (/\bnew\s+Function\s*\(|\bFunction\s*\(\s*["'`]/.test(code))
    code_('script.js builds code with new Function');
  if (/createElement\(\s*["'`]script["'`]\s*\)|<script[\s>]|\bdocument\.write\s*\(/i.test(code))
    code_('script.js injects a script tag; load dependencies through RequireJS define()');
  if (/\bimport\s*\(|\bimportScripts\s*\(|\$\.getScript\s*\(/.test(code))
    code_('script.js loads code besides RequireJS define() (import(), getScript)');
  if (!/^define\(\s*\[[^\]]*\]\s*,\s*function\s*\(/.test(code.trimStart()))
    code_('script.js must be define([deps], function (...) {...}): dependencies through RequireJS');
  if (/\b(?:APP|AMOCRM)(?:\.[\w$]+|\[[^\]]+\])*\s*(?:[-+*/]?=(?!=)|\+\+|--)/.test(code))
    code_('script.js writes to APP / AMOCRM (the host object is read-only for widgets)');
  if (/\basync\s*:\s*false\b/.test(code)) code_('script.js makes a synchronous request (async: false)');
}

/** Every selector of every rule (inside @media / @supports too) must start under the root prefix. */
function checkCss(css: string, rules: ListingRules, bad: (d: string) => void): void {
  const source = css.replace(/\/\*[\s\S]*?\*\//g, '');
  // The first compound selector (before any combinator) must carry a prefixed class: `.erpb-x`,
  // `a.erpb-btn`, `.erpb-x:hover`; a bare `a`, `:root` or `.other .erpb-x` is not scoped. The host's
  // theme marker on html or body may stand before it (`html[data-theme="dark"] .erpb-root`): the
  // rule still styles only the widget's own elements.
  const hostTheme = String.raw`(?:(?:html|body)(?:\[[^\]]*\]|\.[\w-]+)+\s+)?`;
  const root = new RegExp(`^${hostTheme}[^\\s>+~]*\\.${rules.cssRootPrefix}[\\w-]`);
  let depth = 0;
  const stack: string[] = [];
  let buffer = '';
  for (const ch of source) {
    if (ch === '{') {
      const prelude = buffer.trim();
      buffer = '';
      stack.push(prelude);
      depth++;
      const parent = stack[stack.length - 2] ?? '';
      if (prelude.startsWith('@') || /^@(keyframes|-webkit-keyframes|font-face)/.test(parent)) continue;
      for (const selector of prelude.split(',').map((s) => s.trim())) {
        if (!root.test(selector))
          bad(`style.css: "${selector}" is not scoped under .${rules.cssRootPrefix}*`);
      }
    } else if (ch === '}') {
      stack.pop();
      depth = Math.max(0, depth - 1);
      buffer = '';
    } else if (ch === ';' && depth >= 0) {
      buffer = '';
    } else {
      buffer += ch;
    }
  }
}

function checkLocations(
  manifest: { [key: string]: Json },
  input: ListingInput,
  bad: (d: string) => void,
): void {
  const code = input.names.includes('script.js') ? input.text('script.js') : '';
  const locations = Array.isArray(manifest.locations) ? manifest.locations : [];
  for (const location of locations) {
    if (typeof location !== 'string') continue;
    if (location === 'digital_pipeline') {
      const dp = manifest.dp;
      if (!isObject(dp) || typeof dp.webhook_url !== 'string')
        bad('digital_pipeline is declared but manifest.dp.webhook_url is missing');
      continue;
    }
    const evidence = LOCATION_EVIDENCE[location.split('-')[0] ?? location];
    if (evidence && !evidence.test(code))
      bad(`location "${location}" is declared but script.js never uses it`);
  }
}
