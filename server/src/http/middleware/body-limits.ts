import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { DomainError } from '../../errors.js';
import { declaresBody } from './declares-body.js';

export interface BodyLimitRule {
  /** Matched against the request path; the first rule that matches applies. */
  path: RegExp;
  /** Most bytes of body accepted. */
  maxBytes: number;
}

/**
 * A body limit on every route, sized to its payload. A declared Content-Length over the limit is
 * refused before a byte is read; a chunked body is counted as it arrives and refused the moment it
 * passes the limit. The refusal says `Connection: close` (the rest of that body will never be read,
 * so the connection cannot carry another request) and the connection is then closed.
 */
export function bodyLimits(rules: readonly BodyLimitRule[], fallbackBytes: number): MiddlewareHandler {
  const limiters = rules.map((rule) => ({ path: rule.path, limit: limiterOf(rule.maxBytes) }));
  const fallback = limiterOf(fallbackBytes);
  return (c, next) =>
    declaresBody(c) ? (limiters.find((l) => l.path.test(c.req.path))?.limit ?? fallback)(c, next) : next();
}

function limiterOf(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new DomainError('request.payload_too_large', `The request body exceeds ${maxBytes} bytes.`, {
        title: 'Payload too large',
        headers: { connection: 'close' },
      });
    },
  });
}
