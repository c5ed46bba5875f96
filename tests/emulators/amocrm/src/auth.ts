import type { MiddlewareHandler } from 'hono';
import { problem } from './http/responses.js';

/** amoCRM answers 401 problem+json unless `Authorization: Bearer <token>` names a token it issued. */
export function bearerAuth(accessTokens: ReadonlySet<string>): MiddlewareHandler {
  return async (c, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('Authorization') ?? '');
    if (!match?.[1] || !accessTokens.has(match[1])) {
      c.header('WWW-Authenticate', 'Bearer');
      return problem(c, 401, 'Unauthorized');
    }
    await next();
  };
}
