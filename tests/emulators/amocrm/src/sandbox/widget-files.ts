import { readFile, stat } from 'node:fs/promises';
import { extname, posix, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { Hono } from 'hono';

export const WIDGET_CODE = 'erp_bridge';
export const WIDGET_PATH = `/widgets/${WIDGET_CODE}`;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.twig': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Reads one file of the widget, or null when it does not exist. `rel` is already normalised. */
type WidgetSource = (rel: string) => Promise<Uint8Array | null>;

function directorySource(dir: string): WidgetSource {
  const root = resolve(dir);
  return async (rel) => {
    const file = resolve(root, rel);
    if (!file.startsWith(root + sep)) return null;
    try {
      return new Uint8Array(await readFile(file));
    } catch {
      return null;
    }
  };
}

/** The uploaded archive itself (widget.zip), re-read whenever the file changes on disk. */
function zipSource(zipPath: string): WidgetSource {
  let cached: { key: string; files: Record<string, Uint8Array> } | undefined;
  return async (rel) => {
    try {
      const s = await stat(zipPath);
      const key = `${s.mtimeMs}:${s.size}`;
      if (cached?.key !== key) cached = { key, files: unzipSync(new Uint8Array(await readFile(zipPath))) };
      return cached.files[rel] ?? null;
    } catch {
      return null;
    }
  };
}

/**
 * Serves the widget the way amoCRM serves an uploaded one. `widgetDir` is the unpacked archive,
 * or the archive itself when it ends in .zip. Nothing is cached across changes: a rebuilt widget
 * shows up on reload.
 */
export function widgetFileRoutes(widgetDir: string): Hono {
  const app = new Hono();
  const source = widgetDir.toLowerCase().endsWith('.zip') ? zipSource(widgetDir) : directorySource(widgetDir);
  app.get('/*', async (c) => {
    const raw = decodeURIComponent(new URL(c.req.url).pathname.slice(WIDGET_PATH.length + 1));
    const rel = posix.normalize(raw);
    if (rel === '' || rel === '.' || rel.startsWith('..') || rel.startsWith('/') || rel.includes('\\')) {
      return c.text('Not Found', 404);
    }
    const body = await source(rel);
    if (!body) return c.text('Not Found', 404);
    // Copy into a view over a plain ArrayBuffer, the body type Response accepts.
    return c.body(new Uint8Array(body), 200, {
      'Content-Type': CONTENT_TYPES[extname(rel).toLowerCase()] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
    });
  });
  return app;
}
