import { AUTH_TOKEN_HEADER } from '@erp-bridge/shared';
import type { MiddlewareHandler } from 'hono';
import { nodeAnswer } from './node-answer.js';

/** amoCRM and Kommo account origins: https://<subdomain>.amocrm.ru | amocrm.com | kommo.com */
const ACCOUNT_ORIGIN = /^https:\/\/[a-z0-9][a-z0-9-]{0,62}\.(amocrm\.ru|amocrm\.com|kommo\.com)$/;

export function isAllowedOrigin(origin: string, extra: readonly string[]): boolean {
  return ACCOUNT_ORIGIN.test(origin) || extra.includes(origin);
}

const ALLOW_METHODS = 'GET,POST,PUT,OPTIONS';
const ALLOW_HEADERS = [AUTH_TOKEN_HEADER, 'Content-Type', 'Idempotency-Key'].join(',');
/** How long a browser may reuse a preflight answer, seconds. */
const MAX_AGE_S = '600';

/**
 * CORS for the widget API: only account origins (plus the sandbox's in demo mode) may call it
 * (Fetch standard, "CORS protocol"). Every header is set before the route runs, so it rides on the
 * answer the route builds, errors included. Hono's own cors() appends `Vary` after the route, which
 * rebuilds the finished answer on @hono/node-server (~8 % of the widget API's CPU,
 * docs/performance.md).
 */
export function widgetCors(extraOrigins: readonly string[]): MiddlewareHandler {
  // Not async: on Node 20 each promise pays the async-context hooks (docs/performance.md, session 11).
  return (c, next) => {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && isAllowedOrigin(origin, extraOrigins) ? origin : undefined;
    if (c.req.method === 'OPTIONS') {
      const headers: Record<string, string> = {
        vary: 'Origin, Access-Control-Request-Headers',
        'access-control-max-age': MAX_AGE_S,
        'access-control-allow-methods': ALLOW_METHODS,
        'access-control-allow-headers': ALLOW_HEADERS,
      };
      if (allowed) headers['access-control-allow-origin'] = allowed;
      return Promise.resolve(c.body(null, 204, headers));
    }
    // The answer depends on Origin: caches must key on it (Fetch standard, "CORS protocol and HTTP caches").
    // On Node the two headers go onto the socket's answer, which Node merges into whatever the
    // route writes (errors included; the route's own header of the same name wins). Set on the
    // context instead, they give every answer a Headers object that @hono/node-server converts
    // again when it writes (~2.5 µs a request).
    const outgoing = nodeAnswer(c);
    if (outgoing) {
      outgoing.setHeader('vary', 'Origin');
      if (allowed) outgoing.setHeader('access-control-allow-origin', allowed);
    } else {
      c.header('vary', 'Origin');
      if (allowed) c.header('access-control-allow-origin', allowed);
    }
    return next();
  };
}
