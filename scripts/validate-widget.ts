/**
 * Checks a widget archive against amoCRM's upload rules, and with --marketplace also against the
 * marketplace listing rules (scripts/lib/marketplace-rules.ts).
 * Usage: tsx scripts/validate-widget.ts [--marketplace] <widget.zip> [--compare <other.zip>]
 * One line per violation, a final OK line with script.js sizes; exit 1 on any violation.
 * --compare prints the other archive's script.js sizes beside (the private, minified build).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { validateWidgetZip } from './lib/zip-rules.js';

const args = process.argv.slice(2);
const marketplace = args.includes('--marketplace');
const compareAt = args.indexOf('--compare');
const compare = compareAt >= 0 ? args[compareAt + 1] : undefined;
const path = args.find((a, i) => !a.startsWith('--') && (compareAt < 0 || i !== compareAt + 1));
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
const { violations, script } = validateWidgetZip(bytes, { marketplace });
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
