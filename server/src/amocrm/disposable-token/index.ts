import { AUTH_TOKEN_HEADER } from '@erp-bridge/shared';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { accountUrl, type Installation, type InstallationRepo } from '../installations.js';
import { type Hs256Failure, hs256Verifier } from './hs256.js';
import type { ReplayStore } from './replay-store.js';

/** Claims amoCRM puts in a widget's disposable token (https://www.amocrm.ru/developers/content/web_sdk/start; see docs/architecture.md). */
const DisposableClaims = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  jti: z.string().min(8).max(200),
  exp: z.number(),
  account_id: z.coerce.number().int().positive(),
  user_id: z.coerce.number().int().nonnegative(),
  subdomain: z.string().optional(),
  client_uuid: z.string().optional(),
  is_admin: z.boolean().optional().default(false),
});

/** Longest lifetime accepted for a disposable token, in seconds. */
const MAX_TOKEN_LIFETIME_S = 86_400;
export interface WidgetAuth {
  installation: Installation;
  accountId: number;
  userId: number;
  isAdmin: boolean;
}

export type AuthVariables = { auth: WidgetAuth };

export interface DisposableTokenOptions {
  /** The integration's client secret: amoCRM signs with it. */
  secret: string;
  /** Origin of this backend (PUBLIC_URL); amoCRM sets it as `aud`. */
  audience: string;
  installations: Pick<InstallationRepo, 'findActive'>;
  replayStore: Pick<ReplayStore, 'claim'>;
  /** Clock skew tolerated on exp/nbf, seconds (at most 30). */
  leewaySeconds?: number;
}

const unauthorized = (
  code:
    | 'auth.missing_token'
    | 'auth.invalid_token'
    | 'auth.expired_token'
    | 'auth.token_replayed'
    | 'auth.unknown_account',
  detail: string,
) =>
  new DomainError(code, detail, {
    title: 'Unauthorized',
    headers: {
      'www-authenticate': `${AUTH_TOKEN_HEADER} realm="erp-bridge"`,
    },
  });

/**
 * Verifies amoCRM's disposable token on every widget request: HS256 only, signature, aud, iss
 * bound to the account's active installation, exp/nbf with small leeway, and a jti never seen.
 * Options are checked here, at build time, so a misconfiguration fails at start.
 */
export function disposableTokenAuth(
  opts: DisposableTokenOptions,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  if (opts.secret.length < 16) throw new Error('disposableTokenAuth: secret is too short');
  const audience = new URL(opts.audience).origin;
  const leeway = Math.min(opts.leewaySeconds ?? 30, 30);
  const verify = hs256Verifier(opts.secret);

  return async (c, next) => {
    const token = c.req.header(AUTH_TOKEN_HEADER);
    if (!token) throw unauthorized('auth.missing_token', `The ${AUTH_TOKEN_HEADER} header is required.`);

    const verified = verify(token);
    if (!verified.ok) throw unauthorized('auth.invalid_token', FAILURE_DETAIL[verified.failure]);
    const { payload } = verified;
    const refusal = registeredClaimsRefusal(payload, audience, leeway, Date.now() / 1000);
    if (refusal) throw unauthorized(refusal.code, refusal.detail);
    const claims = DisposableClaims.safeParse(payload);
    if (!claims.success) throw unauthorized('auth.invalid_token', 'The token lacks required claims.');
    // amoCRM's disposable tokens live minutes (exact lifetime UNCONFIRMED); an expiry over a day
    // away is no such token, and its jti could not be stored until then anyway.
    if (claims.data.exp > Date.now() / 1000 + MAX_TOKEN_LIFETIME_S)
      throw unauthorized('auth.invalid_token', 'The token expires implausibly far in the future.');

    const installation = await opts.installations.findActive(claims.data.account_id);
    if (!installation) throw unauthorized('auth.unknown_account', 'No active installation for this account.');
    if (claims.data.iss !== accountUrl(installation)) {
      throw unauthorized('auth.invalid_token', 'The token was issued for another account.');
    }

    const firstUse = await opts.replayStore.claim(
      claims.data.jti,
      installation.accountId,
      new Date((claims.data.exp + leeway) * 1000),
    );
    if (!firstUse) throw unauthorized('auth.token_replayed', 'This token has already been used.');

    c.set('auth', {
      installation,
      accountId: installation.accountId,
      userId: claims.data.user_id,
      isAdmin: claims.data.is_admin,
    });
    await next();
  };
}

const FAILURE_DETAIL: Record<Hs256Failure, string> = {
  malformed: 'The token is malformed.',
  algorithm: 'The token algorithm is not accepted.',
  signature: 'The token signature is invalid.',
};

/**
 * The registered claims (RFC 7519 §4.1) checked after the signature: exp required and not past,
 * nbf and iat numbers when present and nbf reached, both with `leeway` seconds of clock skew; aud
 * naming this backend; iss and jti present.
 */
function registeredClaimsRefusal(
  payload: Record<string, unknown>,
  audience: string,
  leeway: number,
  now: number,
): { code: 'auth.invalid_token' | 'auth.expired_token'; detail: string } | undefined {
  const invalid = (claim: string) => ({
    code: 'auth.invalid_token' as const,
    detail: `The token's ${claim} claim is invalid.`,
  });
  for (const claim of ['exp', 'nbf', 'iat'] as const)
    if (payload[claim] !== undefined && typeof payload[claim] !== 'number') return invalid(claim);
  for (const claim of ['exp', 'jti', 'iss'] as const) if (payload[claim] === undefined) return invalid(claim);
  const { aud, exp, nbf } = payload as { aud?: unknown; exp: number; nbf?: number };
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(audience))
    return { code: 'auth.invalid_token', detail: 'The token was issued for another backend.' };
  if (nbf !== undefined && nbf > now + leeway)
    return { code: 'auth.invalid_token', detail: 'The token is not valid yet.' };
  if (exp <= now - leeway) return { code: 'auth.expired_token', detail: 'The token has expired.' };
  return undefined;
}

/** For admin-only routes, after disposableTokenAuth. */
export function requireAdmin(): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    if (!c.get('auth').isAdmin)
      throw new DomainError('auth.forbidden', 'Only account administrators may do this.', {
        title: 'Forbidden',
      });
    await next();
  };
}
