import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE } from '../http/responses.js';
import type { OAuthStore } from './store.js';

export const OAUTH_PROBLEM_TYPE = 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson';
const INVALID_REQUEST =
  'В запросе отсутствует обязательный параметр, либо он указан неверно, либо запрос неверно сформирован';

const TokenRequest = z.discriminatedUnion('grant_type', [
  z.object({
    client_id: z.string().min(1),
    client_secret: z.string().min(1),
    grant_type: z.literal('authorization_code'),
    redirect_uri: z.string().min(1),
    code: z.string().min(1),
  }),
  z.object({
    client_id: z.string().min(1),
    client_secret: z.string().min(1),
    grant_type: z.literal('refresh_token'),
    redirect_uri: z.string().min(1).optional(),
    refresh_token: z.string().min(1),
  }),
]);

/** amoCRM's OAuth errors: the league/oauth2-server shape with a Russian title and a `hint`. */
function oauthProblem(c: Context, status: ContentfulStatusCode, detail: string, hint?: string): Response {
  const body = {
    ...(hint === undefined ? {} : { hint }),
    title: 'Некорректный запрос',
    type: OAUTH_PROBLEM_TYPE,
    status,
    detail,
  };
  return c.body(JSON.stringify(body), status, { 'Content-Type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8` });
}

/** league/oauth2-client (amoCRM's PHP library) posts a form; amoCRM's docs show JSON. Both work. */
async function readBody(c: Context): Promise<unknown> {
  const type = c.req.header('Content-Type') ?? '';
  const raw = await c.req.text();
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export interface OAuthRouteOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** POST /oauth2/access_token: code exchange and refresh, each logged with its grant_type. */
export function oauthRoutes(store: OAuthStore, opts: OAuthRouteOptions): Hono {
  const app = new Hono();
  app.post('/access_token', async (c) => {
    const raw = await readBody(c);
    const grant = (raw as { grant_type?: unknown } | undefined)?.grant_type;
    if (typeof grant === 'string') c.set('callNote', { grantType: grant });
    const parsed = TokenRequest.safeParse(raw);
    if (!parsed.success) {
      const hint = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return oauthProblem(c, 400, INVALID_REQUEST, hint);
    }
    const req = parsed.data;
    if (req.client_id !== opts.clientId || req.client_secret !== opts.clientSecret) {
      return oauthProblem(c, 401, 'Client authentication failed');
    }
    // UNCONFIRMED: amoCRM's exact answer to a foreign redirect_uri; league's server answers 401.
    if (req.redirect_uri !== undefined && req.redirect_uri !== opts.redirectUri) {
      return oauthProblem(c, 401, 'Client authentication failed', 'Redirect URI mismatch');
    }

    let pair: ReturnType<OAuthStore['issuePair']> | undefined;
    if (req.grant_type === 'authorization_code') {
      const check = store.takeCode(req.code);
      if (check === 'unknown')
        return oauthProblem(c, 400, INVALID_REQUEST, 'Cannot decrypt the authorization code');
      if (check === 'revoked')
        return oauthProblem(c, 400, INVALID_REQUEST, 'Authorization code has been revoked');
      pair = store.issuePair();
    } else {
      pair = store.rotate(req.refresh_token);
      if (!pair) return oauthProblem(c, 401, 'The refresh token is invalid.', 'Token has been revoked');
    }
    const body = { ...pair, server_time: Math.floor(Date.now() / 1000) };
    return c.body(JSON.stringify(body), 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    });
  });
  return app;
}
