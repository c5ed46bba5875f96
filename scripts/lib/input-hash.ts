import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SKIP = new Set(['node_modules', 'dist', '.tmp']);

/** Every file under `path` (or `path` itself), sorted, without build output or dependencies. */
function filesOf(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => !SKIP.has(e.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => filesOf(join(path, e.name)));
}

/**
 * A content hash of the named inputs (paths relative to root, folders walked) and environment
 * variables: equal hashes mean a build of these inputs would produce the same output.
 */
export function hashInputs(root: string, inputs: readonly string[], env: readonly string[] = []): string {
  const h = createHash('sha256');
  for (const input of inputs) {
    for (const file of filesOf(join(root, input))) {
      h.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  for (const name of env) h.update(`${name}=${process.env[name] ?? ''}\0`);
  return h.digest('hex');
}
