import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { installations } from '../db/schema.js';
import { BoundedCache } from '../lib/bounded-cache.js';

export type Installation = typeof installations.$inferSelect;

/** The URL amoCRM puts in a disposable token's `iss` for this account. */
export function accountUrl(inst: Pick<Installation, 'subdomain' | 'domain'>): string {
  return `https://${inst.subdomain}.${inst.domain}`;
}

export function newHookKey(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * What a hook key can look like: ours are 32 base64url characters; the bounds leave room for keys
 * made by older versions. Anything else is answered without touching the database or a cache.
 */
const HOOK_KEY = /^[A-Za-z0-9_-]{8,128}$/;
export const isPlausibleHookKey = (key: string): boolean => HOOK_KEY.test(key);

interface Lookup {
  inst: Installation | undefined;
}

/**
 * Installations. `findActive` runs on every widget request, so answers are kept for a few seconds
 * (an uninstall in this process takes effect at once; in another instance within the TTL).
 */
export function createInstallationRepo(
  db: Db,
  opts: { cacheMs?: number; missMs?: number; maxEntries?: number; maxMisses?: number } = {},
) {
  const cacheMs = opts.cacheMs ?? 5000;
  // Strangers choose the keys that miss: remember a miss only briefly, and only so many.
  const missMs = Math.min(opts.missMs ?? 1000, cacheMs);
  const active = new BoundedCache<Lookup>({ max: opts.maxEntries ?? 10_000, ttlMs: cacheMs });
  const byHookKey = new BoundedCache<Lookup>({
    max: opts.maxEntries ?? 10_000,
    ttlMs: cacheMs,
    maxKeyLength: 128,
  });
  const hookMisses = new BoundedCache<Lookup>({
    max: opts.maxMisses ?? 1000,
    ttlMs: missMs,
    maxKeyLength: 128,
  });
  return {
    /** By webhook key: on every hook, so kept for a few seconds like findActive. */
    async findByHookKey(hookKey: string): Promise<Installation | undefined> {
      if (!isPlausibleHookKey(hookKey)) return undefined;
      const hit = byHookKey.get(hookKey) ?? hookMisses.get(hookKey);
      if (hit) return hit.inst;
      const load = async (): Promise<Lookup> => {
        const rows = await db.select().from(installations).where(eq(installations.hookKey, hookKey)).limit(1);
        return { inst: rows[0] };
      };
      // A miss goes to its own small, short-lived cache, never into the one of real keys.
      const found = await byHookKey.getOrLoad(hookKey, load, (f) => (f.inst ? undefined : 0));
      if (!found.inst) hookMisses.set(hookKey, found);
      return found.inst;
    },

    async listActive(): Promise<Installation[]> {
      return db.select().from(installations).where(eq(installations.status, 'active'));
    },

    async disable(accountId: number): Promise<boolean> {
      active.delete(String(accountId));
      byHookKey.clear();
      hookMisses.clear();
      const rows = await db
        .update(installations)
        .set({ status: 'disabled', updatedAt: new Date() })
        .where(eq(installations.accountId, accountId))
        .returning({ id: installations.id });
      return rows.length > 0;
    },

    /** Moves the reconciliation cursor; `foundChanges`: this pass stored changes no hook had brought. */
    async setReconciledUntil(id: number, until: Date, foundChanges = false) {
      await db
        .update(installations)
        .set({ reconciledUntil: until, ...(foundChanges && { reconcileFoundAt: until }) })
        .where(eq(installations.id, id));
    },

    async findActive(accountId: number): Promise<Installation | undefined> {
      const found = await active.getOrLoad(String(accountId), async () => {
        const rows = await db
          .select()
          .from(installations)
          .where(and(eq(installations.accountId, accountId), eq(installations.status, 'active')))
          .limit(1);
        return { inst: rows[0] };
      });
      return found.inst;
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
      active.delete(String(row.accountId));
      byHookKey.delete(row.hookKey);
      hookMisses.delete(row.hookKey);
      return row;
    },
  };
}

export type InstallationRepo = ReturnType<typeof createInstallationRepo>;
