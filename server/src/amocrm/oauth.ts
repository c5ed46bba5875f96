import { z } from 'zod';

/** amoCRM's answer from /oauth2/access_token. */
const TokenResponse = z.object({
  token_type: z.string(),
  expires_in: z.number().int().positive(),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  server_time: z.number().optional(),
});

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

/** A refusal amoCRM will not change its mind about (revoked refresh token, used code): do not retry. */
export class OAuthRejected extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly hint: string | undefined,
  ) {
    super(message);
  }
}

export interface OAuthClientOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** amoCRM OAuth 2.0 token endpoint of one account (https://{subdomain}.amocrm.ru or AMO_API_BASE). */
export function createOAuthClient(opts: OAuthClientOptions) {
  const doFetch = opts.fetch ?? fetch;

  async function grant(accountBase: string, body: Record<string, string>): Promise<TokenPair> {
    const res = await doFetch(`${accountBase.replace(/\/$/, '')}/oauth2/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        redirect_uri: opts.redirectUri,
        ...body,
      }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    const json: unknown = await res.json().catch(() => undefined);
    if (res.status >= 400 && res.status < 500) {
      const hint = z.object({ hint: z.string() }).safeParse(json);
      throw new OAuthRejected(
        `amoCRM refused the ${body.grant_type} grant (${res.status})`,
        res.status,
        hint.success ? hint.data.hint : undefined,
      );
    }
    if (!res.ok) throw new Error(`amoCRM token endpoint answered ${res.status}`);
    const parsed = TokenResponse.safeParse(json);
    if (!parsed.success) throw new Error('amoCRM token endpoint sent an unexpected body');
    return {
      accessToken: parsed.data.access_token,
      refreshToken: parsed.data.refresh_token,
      expiresAt: new Date(Date.now() + parsed.data.expires_in * 1000),
    };
  }

  return {
    exchangeCode: (accountBase: string, code: string) =>
      grant(accountBase, { grant_type: 'authorization_code', code }),
    refresh: (accountBase: string, refreshToken: string) =>
      grant(accountBase, { grant_type: 'refresh_token', refresh_token: refreshToken }),
  };
}

export type OAuthClient = ReturnType<typeof createOAuthClient>;
