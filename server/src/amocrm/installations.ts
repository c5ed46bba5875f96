import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { installations } from '../db/schema.js';

export type Installation = typeof installations.$inferSelect;

/** The URL amoCRM puts in a disposable token's `iss` for this account. */
export function accountUrl(inst: Pick<Installation, 'subdomain' | 'domain'>): string {
  return `https://${inst.subdomain}.${inst.domain}`;
}

export function newHookKey(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Installations. `findActive` runs on every widget request, so answers are kept for a few seconds
 * (an uninstall in this process takes effect at once; in another instance within the TTL).
 */
export function createInstallationRepo(db: Db, opts: { cacheMs?: number } = {}) {
  const cacheMs = opts.cacheMs ?? 5000;
  const active = new Map<number, { at: number; inst: Installation | undefined }>();
  const byHookKey = new Map<string, { at: number; inst: Installation | undefined }>();
  return {
    /** By webhook key: on every hook, so kept for a few seconds like findActive. */
    async findByHookKey(hookKey: string): Promise<Installation | undefined> {
      const hit = byHookKey.get(hookKey);
      if (hit && Date.now() - hit.at < cacheMs) return hit.inst;
      const rows = await db.select().from(installations).where(eq(installations.hookKey, hookKey)).limit(1);
      byHookKey.set(hookKey, { at: Date.now(), inst: rows[0] });
      return rows[0];
    },

    async listActive(): Promise<Installation[]> {
      return db.select().from(installations).where(eq(installations.status, 'active'));
    },

    async disable(accountId: number): Promise<boolean> {
      active.delete(accountId);
      byHookKey.clear();
      const rows = await db
        .update(installations)
        .set({ status: 'disabled', updatedAt: new Date() })
        .where(eq(installations.accountId, accountId))
        .returning({ id: installations.id });
      return rows.length > 0;
    },

    async setReconciledUntil(id: number, until: Date) {
      await db.update(installations).set({ reconciledUntil: until }).where(eq(installations.id, id));
    },

    async findActive(accountId: number): Promise<Installation | undefined> {
      const hit = active.get(accountId);
      if (hit && Date.now() - hit.at < cacheMs) return hit.inst;
      const rows = await db
        .select()
        .from(installations)
        .where(and(eq(installations.accountId, accountId), eq(installations.status, 'active')))
        .limit(1);
      active.set(accountId, { at: Date.now(), inst: rows[0] });
      return rows[0];
    },

    /** Creates or re-activates the installation of an account; keeps its hook key stable. */
    async upsert(input: { accountId: number; subdomain: string; domain: string }): Promise<Installation> {
      const rows = await db
        .insert(installations)
        .values({ ...input, hookKey: newHookKey() })
        .onConflictDoUpdate({
          target: installations.accountId,
          set: { subdomain: input.subdomain, domain: input.domain, status: 'active', updatedAt: new Date() },
        })
        .returning();
      const row = rows[0];
      if (!row) throw new Error('installation upsert returned nothing');
      active.delete(row.accountId);
      byHookKey.delete(row.hookKey);
      return row;
    },
  };
}

export type InstallationRepo = ReturnType<typeof createInstallationRepo>;
