import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsApplied, NEWEST_APPLIED_SQL } from './migrations-state.js';
import { testBackends } from './test-databases.js';

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const scratch = mkdtempSync(join(tmpdir(), 'erpb-migrations-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the migrations with one more journal entry, as a branch adding a migration has. */
function withOneMore(): string {
  const folder = join(scratch, `m${Math.random().toString(36).slice(2)}`);
  cpSync(migrationsFolder, folder, { recursive: true });
  const file = join(folder, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(file, 'utf8')) as { entries: { when: number; idx: number }[] };
  const last = journal.entries.at(-1) as { when: number; idx: number };
  journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1000 });
  writeFileSync(file, JSON.stringify(journal));
  return folder;
}

describe.each(testBackends)('migration state on $name', (backend) => {
  it('says applied after a migrated open, and not applied when the journal has a newer migration', async () => {
    const database = await backend.open();
    try {
      const newest = async () => {
        const rows = (await database.db.execute(NEWEST_APPLIED_SQL)) as unknown as
          | { rows: { at: unknown }[] }
          | { at: unknown }[];
        return (Array.isArray(rows) ? rows : rows.rows)[0]?.at;
      };
      expect(await migrationsApplied(migrationsFolder, newest)).toBe(true);
      // A migration another branch adds must still run at the next start.
      expect(await migrationsApplied(withOneMore(), newest)).toBe(false);
    } finally {
      await database.close();
    }
  });

  it('says not applied when the bookkeeping table is missing or the journal unreadable', async () => {
    const missing = async () => {
      throw new Error('relation "drizzle.__drizzle_migrations" does not exist');
    };
    expect(await migrationsApplied(migrationsFolder, missing)).toBe(false);
    expect(await migrationsApplied(join(scratch, 'nowhere'), async () => 1)).toBe(false);
  });
});
