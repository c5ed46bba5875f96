import { AccountSettings, GuardRules, NEW_INSTALLATION_GUARD, type SettingsUpdate } from '@erp-bridge/shared';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { accountSettings } from '../db/schema.js';
import { BoundedCache } from '../lib/bounded-cache.js';

export const DEFAULT_SETTINGS: AccountSettings = AccountSettings.parse({
  guard: NEW_INSTALLATION_GUARD,
  invoices: {},
  fields: {},
  loop: {},
});

/**
 * What a key missing from a stored row means: the schema's own defaults (guard off), because the
 * row was saved before the key existed or the default changed. Only "no row at all" is a new
 * installation, which gets NEW_INSTALLATION_GUARD.
 */
const STORED_GUARD_BASE: GuardRules = GuardRules.parse({});

/**
 * Guard, invoice and field settings per account. Read on every event, so a short in-process cache
 * sits in front; writes here clear it (other instances see changes within the TTL).
 */
export function createAccountSettingsStore(
  db: Db,
  opts: { ttlMs?: number; defaults?: Partial<AccountSettings['fields']> } = {},
) {
  const ttl = opts.ttlMs ?? 5000;
  const cache = new BoundedCache<AccountSettings>({ max: 10_000, ttlMs: Math.max(ttl, 1) });
  const defaults: AccountSettings = {
    ...DEFAULT_SETTINGS,
    fields: { ...DEFAULT_SETTINGS.fields, ...opts.defaults },
  };

  async function load(accountId: number): Promise<AccountSettings> {
    const [row] = await db.select().from(accountSettings).where(eq(accountSettings.accountId, accountId));
    if (!row) return defaults;
    const stored = JSON.parse(row.json) as Partial<AccountSettings>;
    return AccountSettings.parse({
      guard: { ...STORED_GUARD_BASE, ...stored.guard },
      invoices: { ...defaults.invoices, ...stored.invoices },
      fields: { ...defaults.fields, ...stored.fields },
      loop: { ...defaults.loop, ...stored.loop },
    });
  }

  return {
    async get(accountId: number): Promise<AccountSettings> {
      return cache.getOrLoad(
        String(accountId),
        () => load(accountId),
        () => ttl,
      );
    },

    /** Merges a partial update section by section and validates the result before storing. */
    async update(accountId: number, update: Omit<SettingsUpdate, 'erp'>): Promise<AccountSettings> {
      const current = await load(accountId);
      const next = AccountSettings.parse({
        guard: { ...current.guard, ...update.guard },
        invoices: { ...current.invoices, ...update.invoices },
        fields: { ...current.fields, ...update.fields },
        loop: { ...current.loop, ...update.loop },
      });
      await db
        .insert(accountSettings)
        .values({ accountId, json: JSON.stringify(next) })
        .onConflictDoUpdate({
          target: accountSettings.accountId,
          set: {
            json: JSON.stringify(next),
            version: sql`${accountSettings.version} + 1`,
            updatedAt: new Date(),
          },
        });
      cache.delete(String(accountId));
      return next;
    },
  };
}

export type AccountSettingsStore = ReturnType<typeof createAccountSettingsStore>;
