/**
 * Checks a widget archive against amoCRM's upload rules, and with --marketplace also against the
 * marketplace listing rules (scripts/lib/marketplace-rules.ts).
 * Usage: tsx scripts/validate-widget.ts [--marketplace] <widget.zip> [--compare <other.zip>]
 * One line per violation, a final OK line with script.js sizes; exit 1 on any violation.
 * --compare prints the other archive's script.js sizes beside (the private, minified build).
 * Listing options (UNCONFIRMED facts, so adjustable without a code change):
 *   --locales ru,en,es,pt        locales the listing must carry
 *   --fallback tr=en,id=en       other locales and the one that may stand in for each
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { validateWidgetZip } from './lib/zip-rules.js';

const args = process.argv.slice(2);
const marketplace = args.includes('--marketplace');
const FLAGS_WITH_VALUE = ['--compare', '--locales', '--fallback'];
const flagValue = (flag: string) => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
};
const compare = flagValue('--compare');
const locales = flagValue('--locales');
const fallback = flagValue('--fallback');
const path = args.find((a, i) => !a.startsWith('--') && !FLAGS_WITH_VALUE.includes(args[i - 1] ?? ''));
if (!path) {
  console.error('usage: tsx scripts/validate-widget.ts [--marketplace] <widget.zip> [--compare <other.zip>]');
  process.exit(2);
}

function read(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    console.error(`${file}: cannot read (${(error as Error).message}); run the widget build first`);
    process.exit(1);
  }
}

const size = (bytes: number) => `${bytes} B (${(bytes / 1024).toFixed(1)} KB)`;
const sizesOf = (script: { raw: number; gzip: number } | undefined) =>
  script ? `script.js ${size(script.raw)} raw, ${size(script.gzip)} gzip` : 'no script.js';

const bytes = read(path);
const name = basename(path);
const listing = {
  ...(locales && { requiredLocales: locales.split(',').filter(Boolean) }),
  ...(fallback && {
    fallbackLocales: Object.fromEntries(
      fallback
        .split(',')
        .filter(Boolean)
        .map((pair: string) => pair.split('=') as [string, string]),
    ),
  }),
};
const { violations, script } = validateWidgetZip(bytes, { marketplace: marketplace && listing });
for (const v of violations) console.error(`${name}: ${v.rule}: ${v.detail}`);

if (compare) {
  const other = unzipSync(read(compare))['script.js'];
  const otherSizes = other ? { raw: other.length, gzip: gzipSync(other, { level: 9 }).length } : undefined;
  console.log(`${basename(compare)}: ${sizesOf(otherSizes)} (for comparison)`);
}
if (violations.length > 0) {
  console.error(`${name}: FAILED with ${violations.length} violation(s) (${sizesOf(script)})`);
  process.exit(1);
}
console.log(`${name}: OK${marketplace ? ' (marketplace rules)' : ''} (${sizesOf(script)})`);
