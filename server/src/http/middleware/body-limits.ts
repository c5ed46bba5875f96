import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { DomainError } from '../../errors.js';
import { declaredBody } from './declares-body.js';

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
  const limiters = rules.map((rule) => ({ path: rule.path, ...limiterOf(rule.maxBytes) }));
  const fallback = limiterOf(fallbackBytes);
  return (c, next) => {
    const body = declaredBody(c);
    if (body.kind === 'none') return next();
    const limiter = limiters.find((l) => l.path.test(c.req.path)) ?? fallback;
    // A declared length is judged from the header alone, so the body is then read straight from
    // the socket; only a chunked (or in-process) body is counted through a stream as it arrives.
    if (body.kind === 'length') return body.bytes > limiter.maxBytes ? limiter.refuse() : next();
    return limiter.streaming(c, next);
  };
}

function limiterOf(maxBytes: number) {
  const refuse = (): never => {
    throw new DomainError('request.payload_too_large', `The request body exceeds ${maxBytes} bytes.`, {
      title: 'Payload too large',
      headers: { connection: 'close' },
    });
  };
  return { maxBytes, refuse, streaming: bodyLimit({ maxSize: maxBytes, onError: refuse }) };
}
