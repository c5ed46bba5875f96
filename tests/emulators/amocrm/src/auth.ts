import type { MiddlewareHandler } from 'hono';
import { problem } from './http/responses.js';
import type { OAuthStore } from './oauth/store.js';

/**
 * amoCRM answers 401 problem+json unless `Authorization: Bearer <token>` names a live token:
 * a long-lived one from `staticTokens` (never expires) or one OAuth issued and not yet expired.
 */
export function bearerAuth(staticTokens: ReadonlySet<string>, oauth: OAuthStore): MiddlewareHandler {
  return async (c, next) => {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('Authorization') ?? '')?.[1];
    const check = !token ? 'unknown' : staticTokens.has(token) ? 'valid' : oauth.checkAccess(token);
    if (check !== 'valid') {
      c.header('WWW-Authenticate', 'Bearer');
      return problem(c, 401, check === 'expired' ? 'Access token has expired' : 'Unauthorized');
    }
    await next();
  };
}
