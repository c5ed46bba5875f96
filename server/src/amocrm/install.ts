import { eq } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { installations as installationsTable } from '../db/schema.js';
import type { AmoAccess } from './access.js';
import type { InstallationRepo } from './installations.js';
import type { TokenPair } from './oauth.js';

/** Webhook events the product acts on. */
export const WEBHOOK_SETTINGS = ['add_lead', 'update_lead', 'status_lead'] as const;

export function webhookDestination(publicUrl: URL, hookKey: string): string {
  return new URL(`/webhooks/amocrm/${hookKey}`, publicUrl).toString();
}

/** Stores a fresh installation: learns the account id with the new token, then seals the tokens. */
export function createInstaller(deps: {
  access: AmoAccess;
  installations: InstallationRepo;
  fetch?: typeof fetch;
}) {
  return async (account: { subdomain: string; domain: string }, tokens: TokenPair) => {
    const base = deps.access.accountBase(account);
    const res = await (deps.fetch ?? fetch)(`${base.replace(/\/$/, '')}/api/v4/account`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`amoCRM did not return the account (${res.status})`);
    const body = (await res.json()) as { id?: unknown };
    if (typeof body.id !== 'number') throw new Error('amoCRM returned an account without an id');
    const inst = await deps.installations.upsert({ accountId: body.id, ...account });
    await deps.access.tokens.store(inst.id, tokens);
    return inst;
  };
}

/**
 * A private integration's long-lived token: learn the account it belongs to and store the
 * installation. No OAuth dance, no refresh token.
 */
export async function ensureLongLivedInstallation(deps: {
  token: string;
  base: string;
  installations: InstallationRepo;
  fetch?: typeof fetch;
}) {
  const res = await (deps.fetch ?? fetch)(`${deps.base.replace(/\/$/, '')}/api/v4/account`, {
    headers: { authorization: `Bearer ${deps.token}` },
    signal: AbortSignal.timeout(10_000),
  });
  const account = (await res.json().catch(() => ({}))) as { id?: number; subdomain?: string };
  if (!res.ok || typeof account.id !== 'number' || !account.subdomain) {
    throw new Error(`amoCRM did not accept the long-lived token (${res.status})`);
  }
  return deps.installations.upsert({
    accountId: account.id,
    subdomain: account.subdomain,
    domain: 'amocrm.ru',
  });
}

/**
 * Uninstall (amoCRM's integration-disabled hook, signature verified): the installation turns
 * disabled, so every path that looks for an active one (widget API, webhooks, the Digital
 * Pipeline, queued guard and invoice jobs, reconcile, keep-alive) stops for the account; its
 * tokens are deleted, as nothing may call amoCRM for it any more. Guard decisions, notes of our
 * work and the webhook journal stay until the retention purge: they are the audit trail.
 */
export function createUninstaller(deps: {
  db: Db;
  installations: Pick<InstallationRepo, 'disable'>;
  /** Drops in-memory state of the account (cached catalog answers). */
  forget?: (accountId: number) => void;
}) {
  return async (accountId: number): Promise<boolean> => {
    const found = await deps.installations.disable(accountId);
    await deps.db
      .update(installationsTable)
      .set({
        accessTokenEnc: null,
        refreshTokenEnc: null,
        tokenExpiresAt: null,
        refreshTokenIssuedAt: null,
        refreshLeaseOwner: null,
        refreshLeaseUntil: null,
        updatedAt: new Date(),
      })
      .where(eq(installationsTable.accountId, accountId));
    deps.forget?.(accountId);
    return found;
  };
}
