/**
 * Checks a widget archive against amoCRM's upload rules.
 * Usage: tsx scripts/validate-widget.ts widget/dist/widget.zip
 * One line per violation, a final OK line with script.js sizes; exit 1 on any violation.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { validateWidgetZip } from './lib/zip-rules.js';

const path = process.argv[2];
if (!path) {
  console.error('usage: tsx scripts/validate-widget.ts <widget.zip>');
  process.exit(2);
}

let bytes: Uint8Array;
try {
  bytes = readFileSync(path);
} catch (error) {
  console.error(`${path}: cannot read (${(error as Error).message}); run the widget build first`);
  process.exit(1);
}

const name = basename(path);
const { violations, script } = validateWidgetZip(bytes);
for (const v of violations) console.error(`${name}: ${v.rule}: ${v.detail}`);

const size = (bytes: number) => `${bytes} B (${(bytes / 1024).toFixed(1)} KB)`;
const sizes = script ? `script.js ${size(script.raw)} raw, ${size(script.gzip)} gzip` : 'no script.js';
if (violations.length > 0) {
  console.error(`${name}: FAILED with ${violations.length} violation(s) (${sizes})`);
  process.exit(1);
}
console.log(`${name}: OK (${sizes})`);
