import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'server', 'src');
const HTTP = join(SRC, 'http');

/**
 * app.ts is the composition root: it mounts the routes and middleware of http/ in one visible
 * place (docs/architecture.md). Every other module below server/src stays independent of HTTP:
 * services throw DomainError (server/src/errors.ts), and http/ alone turns it into an answer.
 */
const COMPOSITION_ROOTS = new Set([join(SRC, 'app.ts')]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module specifier of a file: static imports, `export … from`, `import()` and `require()`. */
export function specifiersOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

const insideHttp = (path: string) => path === HTTP || path.startsWith(HTTP + sep);

/** `file imports spec` for each import that reaches into server/src/http/ from outside it. */
export function httpLayerViolations(files: { path: string; text: string }[]): string[] {
  return files.flatMap(({ path, text }) => {
    if (insideHttp(path) || COMPOSITION_ROOTS.has(path)) return [];
    return specifiersOf(text)
      .filter((spec) => spec.startsWith('.') && insideHttp(resolve(dirname(path), spec)))
      .map((spec) => `${relative(ROOT, path)} imports ${spec}`);
  });
}

describe('server layering', () => {
  it('finds an import of http/ from a service in every form a module can write it', () => {
    const planted = join(SRC, 'stock', 'planted.ts');
    const forms = [
      "import { problemResponse } from '../http/problem.js';",
      "import type { Context } from '../http/problem.js';",
      "export { errorAnswer } from '../http/problem.js';",
      "const m = await import('../http/routes/guard.js');",
      "import '../http';",
    ];
    for (const text of forms) expect(httpLayerViolations([{ path: planted, text }]), text).toHaveLength(1);
    // Look-alikes that are not the HTTP layer, and http/ importing itself, pass.
    expect(
      httpLayerViolations([
        { path: planted, text: "import { x } from '../http-cache.js'; import { y } from '../errors.js';" },
        { path: join(HTTP, 'routes', 'a.ts'), text: "import { z } from '../problem.js';" },
        { path: join(SRC, 'app.ts'), text: "import { z } from './http/problem.js';" },
      ]),
    ).toEqual([]);
  });

  it('no module under server/src outside http/ (besides the composition root) imports from http/', () => {
    const files = sourceFiles(SRC).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    expect(files.length).toBeGreaterThan(50);
    expect(httpLayerViolations(files)).toEqual([]);
  });
});
