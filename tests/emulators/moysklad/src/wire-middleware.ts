import { gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import { fail } from './wire.js';

const acceptsGzip = (header: string | undefined) =>
  !!header &&
  header
    .split(',')
    .map((p) => p.trim().split(';'))
    .some(([enc, q]) => (enc === 'gzip' || enc === '*') && q?.trim() !== 'q=0');

/**
 * MoySklad insists on compression: a request whose Accept-Encoding lacks gzip gets 415, and
 * every answer to one that has it is gzip-encoded (errors too).
 */
export function gzipOnly(): MiddlewareHandler {
  return async (c, next) => {
    if (!acceptsGzip(c.req.header('accept-encoding'))) {
      // The real error code for this case is not in our reference; 1062 is a placeholder.
      return fail(c, 415, 1062, "Запрос должен содержать заголовок 'Accept-Encoding: gzip'");
    }
    await next();
    if (!c.res.body) return;
    const raw = new Uint8Array(await c.res.arrayBuffer());
    c.res = new Response(gzipSync(raw), { status: c.res.status, headers: c.res.headers });
    // Hono copies the old headers onto the new response: drop the stale length.
    c.res.headers.delete('Content-Length');
    c.res.headers.set('Content-Encoding', 'gzip');
    c.res.headers.append('Vary', 'Accept-Encoding');
  };
}

/** `Authorization: Bearer <token>`; anything else is 401 with code 1056. */
export function bearerAuth(token: string): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.header('authorization') !== `Bearer ${token}`) {
      return fail(
        c,
        401,
        1056,
        'Ошибка аутентификации: Неправильный пароль или имя пользователя или ключ авторизации',
      );
    }
    await next();
  };
}
