import type { MiddlewareHandler } from 'hono';

/** Basic auth as an infobase user. Credentials are UTF-8: 1C user names are often Cyrillic. */
export function infobaseAuth(user: string, password: string): MiddlewareHandler {
  return async (c, next) => {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(c.req.header('Authorization') ?? '');
    const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const sep = decoded.indexOf(':');
    if (sep < 0 || decoded.slice(0, sep) !== user || decoded.slice(sep + 1) !== password) {
      c.header('WWW-Authenticate', 'Basic realm="1C:Enterprise"');
      return c.text('Unauthorized', 401);
    }
    await next();
  };
}
