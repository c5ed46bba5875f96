import { eq } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from '../db/open.js';
import { installations } from '../db/schema.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { type AmoClient, createAccountCircuit, createAmoClient } from './client.js';
import { accountUrl, type Installation } from './installations.js';
import { createOAuthClient } from './oauth.js';
import { createDbScheduler, createMemoryScheduler } from './rate-limit.js';
import { createTokenManager } from './tokens.js';

export interface AmoAccessOptions {
  config: Config;
  database: Database;
  box: SecretBox;
  log: Logger;
  metrics: Metrics;
  fetch?: typeof fetch;
  /** Told of every amoCRM request attempt (request journal). */
  onExchange?: import('../lib/exchange.js').ExchangeObserver;
  /** Told whether amoCRM took each call's token (the tokens-revoked alert). */
  onTokenVerdict?(accountId: number, verdict: import('./request.js').TokenVerdict): void;
}

/**
 * Everything needed to talk to amoCRM for any installation: OAuth, the token manager, the shared
 * rate schedule and the abuse circuit. One per process.
 */
export function createAmoAccess(opts: AmoAccessOptions) {
  const { config, database, log, metrics } = opts;
  const accountBase = (inst: Pick<Installation, 'subdomain' | 'domain'>) =>
    config.amo.apiBase ?? accountUrl(inst);
  const oauth = createOAuthClient({
    clientId: config.amo.clientId ?? 'demo',
    clientSecret: config.amo.clientSecret,
    redirectUri: config.amo.redirectUri ?? `${config.publicUrl.origin}/oauth/callback`,
    fetch: opts.fetch,
  });
  const tokens = createTokenManager({
    db: database.db,
    box: opts.box,
    oauth,
    log,
    accountBase,
    onRefresh: () => metrics.amo.tokenRefreshes.inc(),
  });
  const rate = { requestsPerSecond: config.amo.requestsPerSecond };
  // Embedded: one process owns the data, so the schedule can live in memory. PostgreSQL: shared row.
  const scheduler =
    database.kind === 'postgres' ? createDbScheduler(database.db, rate) : createMemoryScheduler(rate);
  const circuit = createAccountCircuit((accountId, until, reason) => {
    metrics.amo.circuitOpen.set({ account_id: String(accountId) }, 1);
    database.db
      .update(installations)
      .set({ circuitOpenUntil: until, circuitReason: reason })
      .where(eq(installations.accountId, accountId))
      .catch((err: unknown) => log.warn({ err }, 'could not persist the amoCRM circuit'));
  });

  const clients = new Map<number, AmoClient>();
  function clientFor(inst: Installation): AmoClient {
    const cached = clients.get(inst.id);
    if (cached) return cached;
    if (inst.circuitOpenUntil && inst.circuitOpenUntil > new Date())
      circuit.open(inst.accountId, inst.circuitOpenUntil, inst.circuitReason ?? 'blocked');
    const longLived =
      config.amo.longLivedToken && !inst.refreshTokenEnc ? config.amo.longLivedToken : undefined;
    const client = createAmoClient({
      accountId: inst.accountId,
      baseUrl: accountBase(inst),
      getAccessToken: longLived ? async () => longLived : () => tokens.getAccessToken(inst.id),
      onUnauthorized: longLived ? undefined : (rejected) => tokens.onUnauthorized(inst.id, rejected),
      scheduler,
      circuit,
      log,
      metrics: metrics.amo,
      fetch: opts.fetch,
      onExchange: opts.onExchange,
      onTokenVerdict: opts.onTokenVerdict && ((verdict) => opts.onTokenVerdict?.(inst.accountId, verdict)),
    });
    clients.set(inst.id, client);
    return client;
  }

  return { oauth, tokens, circuit, accountBase, clientFor };
}

export type AmoAccess = ReturnType<typeof createAmoAccess>;
