import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';

const require = createRequire(import.meta.url);

/** The real loader and jQuery amoCRM pages use, from npm, so the widget meets genuine AMD semantics. */
const FILES: Record<string, () => string> = {
  'require.js': () => require.resolve('requirejs/require.js'),
  // jquery's exports map hides dist/ paths; its main entry sits in dist/ beside the minified build.
  'jquery.js': () => join(dirname(require.resolve('jquery')), 'jquery.min.js'),
};

export function vendorRoutes(): Hono {
  const app = new Hono();
  const cache = new Map<string, string>();
  app.get('/:file', async (c) => {
    const name = c.req.param('file');
    const locate = FILES[name];
    if (!locate) return c.text('Not Found', 404);
    let body = cache.get(name);
    if (body === undefined) {
      body = await readFile(locate(), 'utf8');
      cache.set(name, body);
    }
    return c.body(body, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
    });
  });
  return app;
}
