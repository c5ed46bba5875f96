import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether the database already has every migration in `migrationsFolder`. drizzle's migrator
 * applies the journal entries newer than the newest row of drizzle.__drizzle_migrations; when that
 * row is the journal's newest entry there is nothing to apply, and asking this with one select
 * spares a start the migrator's reading and hashing of every file and its DDL (about 40–170 ms on
 * PGlite, scripts/bench/startup.ts). Any doubt (no such table yet, an unreadable journal) says
 * "no", and the migrator runs as before.
 */
export async function migrationsApplied(
  migrationsFolder: string,
  newestApplied: () => Promise<unknown>,
): Promise<boolean> {
  try {
    const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as {
      entries: { when: number }[];
    };
    const newest = Math.max(...journal.entries.map((e) => e.when));
    const applied = Number(await newestApplied());
    return Number.isFinite(newest) && applied === newest;
  } catch {
    return false;
  }
}

/** The created_at of the newest applied migration (drizzle's bookkeeping table). */
export const NEWEST_APPLIED_SQL = 'select max(created_at) as at from drizzle.__drizzle_migrations';
