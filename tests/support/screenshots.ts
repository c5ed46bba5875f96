import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a screenshot goes: docs/ when UPDATE_SCREENSHOTS=1 (refreshing the README's pictures),
 * else .tmp/screenshots/, so a test run leaves the tree clean.
 */
export function screenshotPath(name: string): string {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs' : join('.tmp', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
