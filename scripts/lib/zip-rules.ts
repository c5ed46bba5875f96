/**
 * amoCRM's rules for an uploadable widget archive (see docs/architecture.md),
 * checked on the zip bytes. Pure: returns violations; the CLI in scripts/validate-widget.ts prints.
 */
import { gzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { checkListing, type ListingRules } from './marketplace-rules.js';
import { type Add, kb, readJson, type Violation } from './zip-common.js';
import { checkI18n } from './zip-i18n.js';
import { checkImages } from './zip-images.js';
import { checkManifest } from './zip-manifest.js';

export type { Violation } from './zip-common.js';

export interface ZipReport {
  violations: Violation[];
  /** script.js sizes in bytes, when present. */
  script?: { raw: number; gzip: number };
}

export const SCRIPT_GZIP_LIMIT = 25 * 1024;
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
