import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './open.js';
import { vacuumEmbedded } from './vacuum.js';

describe('vacuum of the embedded database (PGlite runs no autovacuum)', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
  });
  afterAll(() => database.close());

  it('vacuums a table its deletes left dead rows in, and leaves clean tables alone', async () => {
    const client = database.pglite;
    if (!client) throw new Error('expected PGlite');
    await client.exec(`insert into used_token_ids (jti, account_id, expires_at)
      select 'jti-' || g, 1, now() from generate_series(1, 5000) g`);
    await client.exec('delete from used_token_ids'); // what the expiry purge does
    // PostgreSQL publishes a backend's counts at most once a second; the hourly pass sees them.
    await client.query('select pg_stat_force_next_flush()');
    await client.query('select 1');
    const size = async () =>
      Number(
        (await client.query<{ s: number }>(`select pg_relation_size('used_token_ids') as s`)).rows[0]?.s,
      );
    expect(await size()).toBeGreaterThan(0);

    expect(await vacuumEmbedded(client)).toContain('public.used_token_ids');
    // The emptied pages are given back, and the table's dead rows are gone from the statistics.
    expect(await size()).toBe(0);
    expect(await vacuumEmbedded(client)).not.toContain('public.used_token_ids');
  });
});
