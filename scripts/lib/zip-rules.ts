/**
 * amoCRM's rules for an uploadable widget archive (see docs/architecture.md),
 * checked on the zip bytes. Pure: returns violations; the CLI in scripts/validate-widget.ts prints.
 */
import { gzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { checkListing, type ListingRules } from './marketplace-rules.js';

export interface Violation {
  rule: string;
  detail: string;
}

export interface ZipReport {
  violations: Violation[];
  /** script.js sizes in bytes, when present. */
  script?: { raw: number; gzip: number };
}

export const SCRIPT_GZIP_LIMIT = 25 * 1024;
export const IMAGE_BYTES_LIMIT = 300 * 1024;

/** Every image amoCRM knows, with its exact size. */
export const IMAGE_SIZES: Readonly<Record<string, readonly [number, number]>> = {
  'logo_main.png': [400, 272],
  'logo.png': [130, 100],
  'logo_small.png': [108, 108],
  'logo_medium.png': [240, 84],
  'logo_min.png': [84, 84],
  'logo_dp.png': [174, 109],
};

const CARD_AREAS = ['lcard', 'ccard', 'comcard', 'cucard'];
const LIST_AREAS = ['llist', 'clist', 'comlist', 'culist', 'tlist'];

/** Locations amoCRM accepts; card and list areas take a -0/-1 suffix (uses the right panel or not). */
export const KNOWN_LOCATIONS: ReadonlySet<string> = new Set([
  ...[...CARD_AREAS, ...LIST_AREAS].flatMap((area) => [`${area}-0`, `${area}-1`]),
  'settings',
  'advanced_settings',
  'digital_pipeline',
  'card_sdk',
  'catalogs',
  'lead_sources',
  'widget_page',
  'sms',
  'mobile_card',
  'everywhere',
  'salesbot_designer',
]);

const SETTING_TYPES = new Set(['text', 'pass', 'users', 'users_lp', 'custom']);
// settings.js: the advanced settings page, loaded by script.js through RequireJS when an admin opens it.
const ROOT_ENTRIES = new Set([
  'manifest.json',
  'script.js',
  'settings.js',
  'style.css',
  'i18n',
  'images',
  'templates',
]);
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** A string the manifest means as an i18n key: dotted identifiers, e.g. "widget.name". */
const I18N_KEY = /^[A-Za-z_][\w-]*(?:\.[\w-]+)+$/;
/** Manifest strings that are never i18n keys, by dotted path. */
const NOT_I18N = [
  /^widget\.(version|locale|support)\b/,
  /^locations\b/,
  /^settings\.[^.]+\.type$/,
  /^dp\.webhook_url$/,
];

const TEXT_FILE = /\.(js|json|css|twig|html|txt|md)$/i;
const LOCAL_HOST = String.raw`(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\])`;
/** A URL (with or without scheme) or a host:port pointing at this machine. */
const LOCAL_URL = new RegExp(
  String.raw`(?:(?:\b(?:https?|wss?):)?\/\/${LOCAL_HOST}(?::\d+)?)|(?:\b${LOCAL_HOST}:\d{2,5}\b)`,
  'i',
);
const SECRET_MARKERS = /client_secret|BEGIN [A-Z ]*PRIVATE KEY|AMO_CLIENT_SECRET|ENCRYPTION_KEY/;
/** A long base64/hex-ish literal assigned to a secret-sounding name. */
const SECRET_ASSIGNMENT =
  /["']?\b\w*(?:secret|token|passw(?:or)?d|api_?key|private_?key|signing_?key)\w*["']?\s*[:=]\s*["'`][A-Za-z0-9+/_=-]{32,}["'`]/i;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ValidateOptions {
  /** Also check the marketplace listing rules (scripts/lib/marketplace-rules.ts). */
  marketplace?: boolean | Partial<ListingRules>;
  /** script.js gzip limit; the readable marketplace build is allowed more (default 25 KB, 60 KB). */
  scriptGzipLimit?: number;
}

/** Readable code compresses worse than minified code; the private build keeps the tight limit. */
export const MARKETPLACE_SCRIPT_GZIP_LIMIT = 60 * 1024;

export function validateWidgetZip(bytes: Uint8Array, options: ValidateOptions = {}): ZipReport {
  const violations: Violation[] = [];
  const add = (rule: string, detail: string) => violations.push({ rule, detail });

  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    add('zip', `not a readable zip archive (${(error as Error).message})`);
    return { violations };
  }
  // Directory entries carry no content; rules are about files.
  const names = Object.keys(files).filter((name) => !name.endsWith('/'));
  const text = (name: string) => new TextDecoder().decode(files[name]);

  checkLayout(names, add);

  const manifest = readJson('manifest.json', names, text, add);
  const locales = manifest ? checkManifest(manifest, add) : [];
  if (manifest) checkI18n(manifest, locales, names, text, add);
  checkImages(manifest, names, files, add);

  let script: ZipReport['script'];
  if (names.includes('script.js')) {
    const code = text('script.js');
    if (!code.trimStart().startsWith('define(')) {
      add('amd', 'script.js must be an AMD module starting with define(');
    }
    const raw = files['script.js']?.length ?? 0;
    const gzip = gzipSync(files['script.js'] ?? new Uint8Array(), { level: 9 }).length;
    script = { raw, gzip };
    const limit =
      options.scriptGzipLimit ?? (options.marketplace ? MARKETPLACE_SCRIPT_GZIP_LIMIT : SCRIPT_GZIP_LIMIT);
    if (gzip > limit) {
      add('size', `script.js is ${kb(gzip)} gzip, over the ${kb(limit)} limit`);
    }
  } else {
    add('layout', 'script.js missing at the archive root');
  }

  checkHygiene(names, text, add);
  if (options.marketplace) {
    const rules = options.marketplace === true ? {} : options.marketplace;
    checkListing({ names, files, text, manifest }, rules, add);
  }
  return script ? { violations, script } : { violations };
}

type Add = (rule: string, detail: string) => void;

function checkLayout(names: string[], add: Add): void {
  if (!names.includes('manifest.json')) {
    const nested = names.find((n) => n.endsWith('/manifest.json'));
    add(
      'layout',
      nested
        ? `manifest.json must be at the archive root, found ${nested} (zip the folder's contents, not the folder)`
        : 'manifest.json missing at the archive root',
    );
  }
  for (const top of new Set(names.map((n) => n.split('/')[0] ?? n))) {
    if (!ROOT_ENTRIES.has(top)) add('layout', `unexpected entry at the archive root: ${top}`);
  }
  for (const name of names) {
    if (name.startsWith('i18n/') && !/^i18n\/[a-z]{2}(?:[-_][A-Za-z]{2})?\.json$/.test(name)) {
      add('layout', `i18n/ holds only <locale>.json files, found ${name}`);
    }
  }
}

function readJson(name: string, names: string[], text: (n: string) => string, add: Add): Json | undefined {
  if (!names.includes(name)) return undefined;
  try {
    return JSON.parse(text(name)) as Json;
  } catch (error) {
    add('json', `${name} is not valid JSON (${(error as Error).message})`);
    return undefined;
  }
}

export function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the manifest's shape; returns its locales. */
function checkManifest(manifest: Json, add: Add): string[] {
  if (!isObject(manifest) || !isObject(manifest.widget)) {
    add('manifest', 'manifest.json needs a "widget" object');
    return [];
  }
  const widget = manifest.widget;
  for (const key of ['name', 'description', 'short_description', 'version', 'interface_version', 'locale']) {
    if (widget[key] === undefined) add('manifest', `widget.${key} is required`);
  }
  for (const key of ['name', 'description', 'short_description']) {
    if (widget[key] !== undefined && (typeof widget[key] !== 'string' || widget[key] === '')) {
      add('manifest', `widget.${key} must be a non-empty string (an i18n key)`);
    }
  }
  if (widget.version !== undefined && (typeof widget.version !== 'string' || !SEMVER.test(widget.version))) {
    add('manifest', `widget.version must be semver (x.y.z), got ${JSON.stringify(widget.version)}`);
  }
  if (widget.interface_version !== undefined && widget.interface_version !== 2) {
    add('manifest', `widget.interface_version must be 2, got ${JSON.stringify(widget.interface_version)}`);
  }
  if (widget.init_once !== undefined && typeof widget.init_once !== 'boolean') {
    add('manifest', 'widget.init_once must be a boolean');
  }
  if (widget.installation !== undefined && typeof widget.installation !== 'boolean') {
    add('manifest', 'widget.installation must be a boolean');
  }
  if (widget.support !== undefined) {
    const support = widget.support;
    if (!isObject(support) || (typeof support.link !== 'string' && typeof support.email !== 'string')) {
      add('manifest', 'widget.support needs a link or an email');
    }
  }

  let locales: string[] = [];
  if (widget.locale !== undefined) {
    if (
      !Array.isArray(widget.locale) ||
      widget.locale.length === 0 ||
      !widget.locale.every((l) => typeof l === 'string')
    ) {
      add('manifest', 'widget.locale must be a non-empty array of locale codes');
    } else {
      locales = widget.locale as string[];
    }
  }

  const locations = manifest.locations;
  if (!Array.isArray(locations) || locations.length === 0) {
    add('manifest', 'locations must be a non-empty array');
  } else {
    for (const location of locations) {
      if (typeof location !== 'string' || !KNOWN_LOCATIONS.has(location)) {
        add('manifest', `unknown location ${JSON.stringify(location)}`);
      }
    }
    if (locations.includes('digital_pipeline')) checkDp(manifest.dp, add);
    if (
      locations.includes('advanced_settings') &&
      (!isObject(manifest.advanced) || typeof manifest.advanced.title !== 'string')
    ) {
      add('manifest', 'the advanced_settings location needs "advanced": {"title": <i18n key>}');
    }
  }

  if (manifest.settings !== undefined) {
    if (!isObject(manifest.settings)) {
      add('manifest', 'settings must be an object');
    } else {
      for (const [key, setting] of Object.entries(manifest.settings)) {
        if (!isObject(setting) || typeof setting.name !== 'string') {
          add('manifest', `settings.${key} needs a name (an i18n key)`);
          continue;
        }
        if (typeof setting.type !== 'string' || !SETTING_TYPES.has(setting.type)) {
          add('manifest', `settings.${key}.type must be one of ${[...SETTING_TYPES].join('|')}`);
        }
        if (setting.required !== undefined && typeof setting.required !== 'boolean') {
          add('manifest', `settings.${key}.required must be a boolean`);
        }
      }
    }
  }
  if (widget.code !== undefined || widget.secret_key !== undefined) {
    add('manifest', 'widget.code / widget.secret_key must not be set: amoCRM assigns them on upload');
  }
  return locales;
}

/**
 * The Digital Pipeline section. amoCRM posts the action to dp.webhook_url, one static URL per
 * archive: an absolute https URL, or our `{backend}/...` placeholder (filled at build time when a
 * public backend origin is known; see widget/README.md). Plain http would send the hook in clear.
 */
function checkDp(dp: Json | undefined, add: Add): void {
  if (!isObject(dp)) {
    add('manifest', 'the digital_pipeline location needs a "dp" section');
    return;
  }
  if (dp.settings !== undefined && !isObject(dp.settings)) add('manifest', 'dp.settings must be an object');
  if (dp.action_multiple !== undefined && typeof dp.action_multiple !== 'boolean') {
    add('manifest', 'dp.action_multiple must be a boolean');
  }
  const url = dp.webhook_url;
  if (typeof url !== 'string' || !/^(https:\/\/[^\s/]+|\{backend\})\/\S*$/.test(url)) {
    add(
      'manifest',
      `dp.webhook_url must be an https URL or start with {backend}/, got ${JSON.stringify(url)}`,
    );
  }
}

/** i18n keys the manifest uses: the widget texts, setting names, and any other dotted string value. */
export function manifestI18nKeys(manifest: Json): string[] {
  const keys = new Set<string>();
  const walk = (value: Json, path: string) => {
    if (NOT_I18N.some((re) => re.test(path))) return;
    if (typeof value === 'string') {
      if (I18N_KEY.test(value)) keys.add(value);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        walk(item, `${path}.${i}`);
      });
    } else if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) walk(item, path ? `${path}.${key}` : key);
    }
  };
  walk(manifest, '');
  if (isObject(manifest) && isObject(manifest.widget)) {
    // Plain words are keys too when they sit where amoCRM expects one.
    for (const key of ['name', 'description', 'short_description']) {
      const value = manifest.widget[key];
      if (typeof value === 'string' && value !== '') keys.add(value);
    }
  }
  return [...keys];
}

export function lookup(messages: Json, key: string): Json | undefined {
  if (isObject(messages) && key in messages) return messages[key];
  let node: Json | undefined = messages;
  for (const part of key.split('.')) {
    if (!isObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

/** Dotted paths of every leaf, to compare locale files. */
function leafKeys(value: Json, prefix = ''): string[] {
  if (!isObject(value)) return [prefix];
  return Object.entries(value).flatMap(([key, item]) => leafKeys(item, prefix ? `${prefix}.${key}` : key));
}

function checkI18n(
  manifest: Json,
  locales: string[],
  names: string[],
  text: (n: string) => string,
  add: Add,
) {
  const keys = manifestI18nKeys(manifest);
  const loaded = new Map<string, Json>();
  for (const locale of locales) {
    const file = `i18n/${locale}.json`;
    if (!names.includes(file)) {
      add('i18n', `${file} missing for locale "${locale}" listed in widget.locale`);
      continue;
    }
    const messages = readJson(file, names, text, add);
    if (messages === undefined) continue;
    if (!isObject(messages)) {
      add('i18n', `${file} must hold a JSON object`);
      continue;
    }
    loaded.set(locale, messages);
    for (const key of keys) {
      const value = lookup(messages, key);
      if (typeof value !== 'string' || value.trim() === '') {
        add('i18n', `${file} lacks "${key}" used by manifest.json`);
      }
    }
  }
  // Every locale must translate the same keys: a key missing in one language shows up raw there.
  const sets = [...loaded].map(([locale, messages]) => [locale, new Set(leafKeys(messages))] as const);
  const all = new Set(sets.flatMap(([, set]) => [...set]));
  for (const [locale, set] of sets) {
    const missing = [...all].filter((key) => !set.has(key));
    if (missing.length > 0) {
      const shown =
        missing.slice(0, 10).join(', ') + (missing.length > 10 ? `, ... (${missing.length})` : '');
      add('i18n', `i18n/${locale}.json lacks keys present in other locales: ${shown}`);
    }
  }
}

/** Width and height from a PNG's IHDR chunk, or undefined if the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) return undefined;
  if (new TextDecoder().decode(bytes.subarray(12, 16)) !== 'IHDR') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function checkImages(
  manifest: Json | undefined,
  names: string[],
  files: Record<string, Uint8Array>,
  add: Add,
) {
  const locations = isObject(manifest) && Array.isArray(manifest.locations) ? manifest.locations : [];
  const required = ['logo_main.png', 'logo_small.png'];
  const usesCard = locations.some((l) => typeof l === 'string' && CARD_AREAS.includes(l.split('-')[0] ?? ''));
  if (usesCard) required.push('logo_min.png', 'logo_medium.png');
  if (locations.includes('digital_pipeline')) required.push('logo_dp.png');
  for (const image of required) {
    if (!names.includes(`images/${image}`)) add('images', `images/${image} missing`);
  }
  for (const name of names.filter((n) => n.startsWith('images/'))) {
    const bytes = files[name] ?? new Uint8Array();
    if (bytes.length > IMAGE_BYTES_LIMIT) {
      add('images', `${name} is ${kb(bytes.length)}, over ${kb(IMAGE_BYTES_LIMIT)}`);
    }
    const expected = IMAGE_SIZES[name.slice('images/'.length)];
    if (!expected) continue;
    const size = pngSize(bytes);
    if (!size) {
      add('images', `${name} is not a PNG`);
    } else if (size.width !== expected[0] || size.height !== expected[1]) {
      add('images', `${name} is ${size.width}x${size.height}, must be ${expected[0]}x${expected[1]}`);
    }
  }
}

function checkHygiene(names: string[], text: (n: string) => string, add: Add): void {
  for (const name of names) {
    if (name.endsWith('.map')) add('hygiene', `source map ${name} must not ship`);
    if (!TEXT_FILE.test(name)) continue;
    const content = text(name);
    if (content.includes('sourceMappingURL')) add('hygiene', `${name} references a source map`);
    const local = LOCAL_URL.exec(content);
    if (local) add('hygiene', `${name} contains a local URL (${local[0]}); bake a public backend origin`);
    const marker = SECRET_MARKERS.exec(content);
    if (marker) add('hygiene', `${name} contains a secret-looking string (${marker[0]})`);
    const assignment = SECRET_ASSIGNMENT.exec(content);
    if (assignment)
      add('hygiene', `${name} assigns a secret-looking literal (${assignment[0].slice(0, 40)}...)`);
  }
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
