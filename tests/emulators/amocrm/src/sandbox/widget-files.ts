import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
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

/**
 * Serves the unpacked widget archive the way amoCRM serves an uploaded widget. The directory is
 * read on every request (no cache) so a rebuilt widget shows up on reload.
 */
export function widgetFileRoutes(widgetDir: string): Hono {
  const app = new Hono();
  const root = resolve(widgetDir);
  app.get('/*', async (c) => {
    const rel = decodeURIComponent(new URL(c.req.url).pathname.slice(WIDGET_PATH.length + 1));
    const file = resolve(root, rel);
    if (rel === '' || !file.startsWith(root + sep)) return c.text('Not Found', 404);
    try {
      const body = await readFile(file);
      return c.body(new Uint8Array(body), 200, {
        'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Cache-Control': 'no-store',
      });
    } catch {
      return c.text('Not Found', 404);
    }
  });
  return app;
}
