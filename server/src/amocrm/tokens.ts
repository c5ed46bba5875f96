import { randomUUID } from 'node:crypto';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Db } from '../db/open.js';
import { installations } from '../db/schema.js';
import type { Logger } from '../log.js';
import { type OAuthClient, OAuthRejected, type TokenPair } from './oauth.js';

export interface TokenManagerOptions {
  db: Db;
  box: SecretBox;
  oauth: OAuthClient;
  log: Logger;
  /** Base URL of an account's OAuth endpoint. */
  accountBase(inst: { subdomain: string; domain: string }): string;
  /** Refresh this long before the access token expires. */
  refreshAheadMs?: number;
  /** How long a refresh lease is held at most (a crashed holder's lease expires). */
  leaseMs?: number;
  /** How often a process waiting for another's refresh looks again. */
  pollMs?: number;
  onRefresh?(): void;
}

export class InstallationNeedsReauth extends Error {}

/**
 * Access tokens per installation, stored sealed. amoCRM refresh tokens are single-use: if two
 * processes spend one at once, the account is lost. So a refresh is single-flight twice over:
 * in-process (one promise per installation) and across processes (a lease row update that only
 * one caller can win), and the new pair is written in the same statement that frees the lease.
 */
export function createTokenManager(opts: TokenManagerOptions) {
  const { db, box, log } = opts;
  const refreshAhead = opts.refreshAheadMs ?? 5 * 60_000;
  const leaseMs = opts.leaseMs ?? 30_000;
  const pollMs = opts.pollMs ?? 50;
  const owner = randomUUID();
  const inflight = new Map<number, Promise<string>>();

  async function load(installationId: number) {
    const [row] = await db.select().from(installations).where(eq(installations.id, installationId));
    if (!row) throw new Error(`installation ${installationId} not found`);
    return row;
  }

  const fresh = (expiresAt: Date | null, now = Date.now()) =>
    expiresAt !== null && expiresAt.getTime() - refreshAhead > now;

  async function tryLease(installationId: number): Promise<boolean> {
    const won = await db
      .update(installations)
      .set({
        refreshLeaseOwner: owner,
        refreshLeaseUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
      })
      .where(
        and(
          eq(installations.id, installationId),
          or(isNull(installations.refreshLeaseUntil), lt(installations.refreshLeaseUntil, sql`now()`)),
        ),
      )
      .returning({ id: installations.id });
    return won.length === 1;
  }

  async function releaseLease(installationId: number, pair?: TokenPair, authError?: string) {
    await db
      .update(installations)
      .set({
        refreshLeaseOwner: null,
        refreshLeaseUntil: null,
        updatedAt: new Date(),
        ...(pair && {
          accessTokenEnc: box.seal(pair.accessToken),
          refreshTokenEnc: box.seal(pair.refreshToken),
          tokenExpiresAt: pair.expiresAt,
          refreshTokenIssuedAt: new Date(),
          authError: null,
        }),
        ...(authError !== undefined && { authError }),
      })
      .where(and(eq(installations.id, installationId), eq(installations.refreshLeaseOwner, owner)));
  }

  /**
   * Refreshes unless someone already did after `staleAccessToken` was read. Returns the access
   * token that is current afterwards.
   */
  async function refreshOnce(
    installationId: number,
    staleAccessToken: string | null,
    force: boolean,
  ): Promise<string> {
    const deadline = Date.now() + leaseMs * 2;
    for (;;) {
      const row = await load(installationId);
      if (row.authError) throw new InstallationNeedsReauth(row.authError);
      const current = row.accessTokenEnc ? box.open(row.accessTokenEnc) : null;
      // Someone else refreshed since the caller read its token: use theirs.
      if (current && current !== staleAccessToken && fresh(row.tokenExpiresAt)) return current;
      if (current && !force && fresh(row.tokenExpiresAt)) return current;

      if (await tryLease(installationId)) {
        try {
          // Re-read under the lease: the previous holder may have just finished.
          const locked = await load(installationId);
          const lockedAccess = locked.accessTokenEnc ? box.open(locked.accessTokenEnc) : null;
          if (lockedAccess && lockedAccess !== staleAccessToken && fresh(locked.tokenExpiresAt)) {
            await releaseLease(installationId);
            return lockedAccess;
          }
          if (!locked.refreshTokenEnc) throw new InstallationNeedsReauth('no refresh token stored');
          const pair = await opts.oauth.refresh(opts.accountBase(locked), box.open(locked.refreshTokenEnc));
          await releaseLease(installationId, pair);
          opts.onRefresh?.();
          log.info({ accountId: locked.accountId }, 'amoCRM tokens refreshed');
          return pair.accessToken;
        } catch (err) {
          if (err instanceof OAuthRejected) {
            const reason = `amoCRM refused the refresh token (${err.hint ?? err.status}); reinstall the integration`;
            await releaseLease(installationId, undefined, reason);
            log.error(
              { installationId, status: err.status, hint: err.hint },
              'amoCRM refresh token rejected',
            );
            throw new InstallationNeedsReauth(reason);
          }
          await releaseLease(installationId);
          throw err;
        }
      }
      if (Date.now() > deadline)
        throw new Error('timed out waiting for another process to refresh amoCRM tokens');
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  function singleFlight(installationId: number, stale: string | null, force: boolean): Promise<string> {
    const running = inflight.get(installationId);
    if (running) return running;
    const p = refreshOnce(installationId, stale, force).finally(() => inflight.delete(installationId));
    inflight.set(installationId, p);
    return p;
  }

  return {
    /** A usable access token, refreshed ahead of expiry when needed. */
    async getAccessToken(installationId: number): Promise<string> {
      const row = await load(installationId);
      if (row.authError) throw new InstallationNeedsReauth(row.authError);
      if (row.accessTokenEnc && fresh(row.tokenExpiresAt)) return box.open(row.accessTokenEnc);
      return singleFlight(installationId, row.accessTokenEnc ? box.open(row.accessTokenEnc) : null, false);
    },

    /** amoCRM said 401 to `rejectedToken`: refresh once (unless another caller already did). */
    onUnauthorized(installationId: number, rejectedToken: string): Promise<string> {
      return singleFlight(installationId, rejectedToken, true);
    },

    /** Keep-alive: spend the refresh token before it ages out unused. */
    refreshNow(installationId: number): Promise<string> {
      return singleFlight(installationId, null, true);
    },

    async store(installationId: number, pair: TokenPair): Promise<void> {
      await db
        .update(installations)
        .set({
          accessTokenEnc: box.seal(pair.accessToken),
          refreshTokenEnc: box.seal(pair.refreshToken),
          tokenExpiresAt: pair.expiresAt,
          refreshTokenIssuedAt: new Date(),
          authError: null,
          updatedAt: new Date(),
        })
        .where(eq(installations.id, installationId));
    },
  };
}

export type TokenManager = ReturnType<typeof createTokenManager>;
