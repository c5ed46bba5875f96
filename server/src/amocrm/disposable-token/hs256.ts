import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';

/**
 * Why a token failed before its claims were read, in the order a JWS verifier checks (RFC 7515
 * §5.2): shape, then the header's algorithm, then the signature.
 */
export type Hs256Failure = 'malformed' | 'algorithm' | 'signature';

export type Hs256Result =
  | { ok: true; payload: Record<string, unknown> }
  | { ok: false; failure: Hs256Failure };

/** amoCRM's tokens are a few hundred bytes; anything near this is no disposable token. */
const MAX_TOKEN_CHARS = 8192;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** HMAC-SHA-256 gives 32 bytes (RFC 7518 §3.2). */
const SIGNATURE_BYTES = 32;

function jsonObject(part: string): Record<string, unknown> | undefined {
  if (!BASE64URL.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a compact JWS signed with HS256, synchronously with node:crypto. This replaces jose's
 * WebCrypto path on the hot path: its HMAC runs as an async job on the thread pool, which the
 * profile of the widget API showed at ~19 % of the server's CPU (docs/performance.md). Only HS256
 * is accepted (RFC 8725 §3.1: the algorithm is fixed by us, never taken from the token), a header
 * with `crit` or `b64` is refused (we understand no extension, RFC 7515 §4.1.11), and the
 * signature is compared in constant time. Claims are left to the caller.
 */
export function hs256Verifier(secret: string): (token: string) => Hs256Result {
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return (token) => {
    if (token.length > MAX_TOKEN_CHARS) return { ok: false, failure: 'malformed' };
    const firstDot = token.indexOf('.');
    const secondDot = token.indexOf('.', firstDot + 1);
    if (firstDot <= 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) !== -1)
      return { ok: false, failure: 'malformed' };
    const header = jsonObject(token.slice(0, firstDot));
    if (!header) return { ok: false, failure: 'malformed' };
    if ('crit' in header || 'b64' in header) return { ok: false, failure: 'malformed' };
    if (header.alg !== 'HS256') return { ok: false, failure: 'algorithm' };
    const signature = token.slice(secondDot + 1);
    if (!BASE64URL.test(signature)) return { ok: false, failure: 'malformed' };
    const given = Buffer.from(signature, 'base64url');
    const expected = createHmac('sha256', key).update(token.slice(0, secondDot)).digest();
    if (given.length !== SIGNATURE_BYTES || !timingSafeEqual(given, expected))
      return { ok: false, failure: 'signature' };
    const payload = jsonObject(token.slice(firstDot + 1, secondDot));
    return payload ? { ok: true, payload } : { ok: false, failure: 'malformed' };
  };
}
