import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

export interface TokenClaims {
  iss: string;
  aud: string;
  account_id: number;
  user_id?: number;
  is_admin?: boolean;
  [k: string]: unknown;
}

/** Signs a disposable token the way amoCRM does (HS256 with the client secret), for API-level tests. */
export function signDisposableToken(
  secret: string,
  claims: TokenClaims,
  opts: { alg?: string; ttlSeconds?: number; now?: number } = {},
) {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  return new SignJWT({
    jti: randomUUID(),
    iat: now,
    nbf: now,
    exp: now + (opts.ttlSeconds ?? 1800),
    user_id: 1,
    is_admin: false,
    ...claims,
  })
    .setProtectedHeader({ alg: opts.alg ?? 'HS256' })
    .sign(new TextEncoder().encode(secret));
}
