import { createHmac, randomUUID } from 'node:crypto';

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/**
 * Disposable tokens as amoCRM signs them (HS256 with the client secret, unique jti), signed
 * synchronously so a load generator can make one per request. Same claims as
 * tests/support/tokens.ts.
 */
export function disposableTokenSigner(
  secret: string,
  claims: { iss: string; aud: string; account_id: number },
  ttlSeconds = 1800,
) {
  // One token per request, spread over many users (as 64 managers would be): the widget API caps
  // each user's reads in flight.
  let next = 0;
  return () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = Buffer.from(
      JSON.stringify({
        jti: randomUUID(),
        iat: now,
        nbf: now,
        exp: now + ttlSeconds,
        user_id: 1 + (next++ % 1000),
        is_admin: false,
        ...claims,
      }),
    ).toString('base64url');
    const sig = createHmac('sha256', secret).update(`${HEADER}.${payload}`).digest('base64url');
    return `${HEADER}.${payload}.${sig}`;
  };
}

/** `n` tokens signed ahead, then fresh ones on demand: every call returns an unused token. */
export function tokenSupply(sign: () => string, n: number) {
  const pre = Array.from({ length: n }, sign);
  let i = 0;
  return () => (i < pre.length ? (pre[i++] as string) : sign());
}
