/**
 * The marketplace listing rules (Kommo / amoCRM moderation), on top of the upload rules in
 * zip-rules.ts. Each rule names the documentation page it comes from; where the documentation
 * gives no number the value is an option (UNCONFIRMED), so a stricter moderator can be followed
 * without a code change.
 */
import { checkCode, checkLocations } from './marketplace-code.js';
import { type Add, isObject, type Json, lookup } from './zip-common.js';
import { IMAGE_BYTES_LIMIT, IMAGE_SIZES, pngSize } from './zip-images.js';

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

export interface ListingInput {
  names: string[];
  files: Record<string, Uint8Array>;
  text: (name: string) => string;
  manifest: Json | undefined;
}

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

export type Cite = (rule: string, doc: keyof typeof DOCS) => (detail: string) => void;

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
