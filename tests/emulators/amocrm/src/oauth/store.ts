import { randomBytes, randomUUID } from 'node:crypto';

const CODE_TTL_MS = 20 * 60 * 1000;

export interface TokenPair {
  token_type: 'Bearer';
  expires_in: number;
  access_token: string;
  refresh_token: string;
}

export type CodeCheck = 'ok' | 'revoked' | 'unknown';
export type AccessCheck = 'valid' | 'expired' | 'unknown';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Authorization codes, refresh tokens and issued access tokens of the one integration.
 * Codes are single use (20 minutes); refresh tokens are single use and rotate, as amoCRM's are:
 * a second use answers "Token has been revoked", the failure two racing refreshers cause.
 */
export class OAuthStore {
  readonly #codes = new Map<string, { expiresAt: number; used: boolean }>();
  /** Every refresh token ever issued; false once used. */
  readonly #refresh = new Map<string, boolean>();
  readonly #access = new Map<string, number>();
  #refreshGrants = 0;

  constructor(
    private readonly opts: { clientId: string; accountId: number; userId: number; ttlSeconds: () => number },
  ) {}

  issueCode(): string {
    const code = `def50200${randomBytes(48).toString('hex')}`;
    this.#codes.set(code, { expiresAt: Date.now() + CODE_TTL_MS, used: false });
    return code;
  }

  /** Consumes a code. Unknown codes are "cannot decrypt"; used or expired ones are "revoked". */
  takeCode(code: string): CodeCheck {
    const entry = this.#codes.get(code);
    if (!entry) return 'unknown';
    if (entry.used || entry.expiresAt <= Date.now()) return 'revoked';
    entry.used = true;
    return 'ok';
  }

  /** Uses a refresh token up: a new pair, or undefined when it is unknown or already used. */
  rotate(refreshToken: string): TokenPair | undefined {
    if (this.#refresh.get(refreshToken) !== true) return undefined;
    this.#refresh.set(refreshToken, false);
    this.#refreshGrants++;
    return this.issuePair();
  }

  issuePair(): TokenPair {
    const ttl = this.opts.ttlSeconds();
    const now = Math.floor(Date.now() / 1000);
    // amoCRM's access tokens are RS256 JWTs; ours have the shape and claims, not a real signature.
    const accessToken = [
      b64url({ typ: 'JWT', alg: 'RS256', jti: randomUUID() }),
      b64url({
        aud: this.opts.clientId,
        jti: randomUUID(),
        iat: now,
        nbf: now,
        exp: now + ttl,
        sub: String(this.opts.userId),
        account_id: this.opts.accountId,
        scopes: ['crm', 'notifications'],
      }),
      randomBytes(32).toString('base64url'),
    ].join('.');
    const refreshToken = `def50200${randomBytes(64).toString('hex')}`;
    this.#access.set(accessToken, Date.now() + ttl * 1000);
    this.#refresh.set(refreshToken, true);
    return { token_type: 'Bearer', expires_in: ttl, access_token: accessToken, refresh_token: refreshToken };
  }

  checkAccess(token: string): AccessCheck {
    const expiresAt = this.#access.get(token);
    if (expiresAt === undefined) return 'unknown';
    return expiresAt > Date.now() ? 'valid' : 'expired';
  }

  /** Every issued access token expires now (the static long-lived token is not touched). */
  expireAccessTokens(): void {
    const past = Date.now() - 1;
    for (const token of this.#access.keys()) this.#access.set(token, past);
  }

  /**
   * The account revoked the integration's grant (an admin reset its keys, or the refresh token sat
   * unused for 3 months): every refresh token then answers 401 "Token has been revoked"
   * (https://www.amocrm.ru/developers/content/oauth/step-by-step, refresh token lifetime).
   */
  revokeRefreshTokens(): void {
    for (const token of this.#refresh.keys()) this.#refresh.set(token, false);
  }

  /** Every access and refresh token ever issued (tests check none of them leaks anywhere). */
  issuedTokens(): string[] {
    return [...this.#access.keys(), ...this.#refresh.keys()];
  }

  get refreshGrants(): number {
    return this.#refreshGrants;
  }
}
