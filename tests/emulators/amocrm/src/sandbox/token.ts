import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';

/** What a test may override when asking for a token. */
export const TokenRequest = z.object({
  user_id: z.number().int().positive().optional(),
  is_admin: z.boolean().optional(),
});
export type TokenRequest = z.infer<typeof TokenRequest>;

export interface TokenContext {
  clientSecret: string;
  backendUrl: string;
  accountId: number;
  subdomain: string;
  clientUuid: string;
  defaultUserId: number;
}

/** Lifetime per the official PHP library's README (UNCONFIRMED on an official page). */
export const DISPOSABLE_TOKEN_TTL_S = 30 * 60;

/**
 * A disposable token as amoCRM's $authorizedAjax sends it in X-Auth-Token: HS256 with the
 * integration's client_secret, aud = the backend's origin, a fresh jti per token.
 */
export async function signDisposableToken(
  ctx: TokenContext,
  req: TokenRequest = {},
  now = Math.floor(Date.now() / 1000),
): Promise<string> {
  return new SignJWT({
    account_id: ctx.accountId,
    user_id: req.user_id ?? ctx.defaultUserId,
    client_uuid: ctx.clientUuid,
    subdomain: ctx.subdomain,
    is_admin: req.is_admin ?? true,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(`https://${ctx.subdomain}.amocrm.ru`)
    .setAudience(new URL(ctx.backendUrl).origin)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + DISPOSABLE_TOKEN_TTL_S)
    .sign(new TextEncoder().encode(ctx.clientSecret));
}
