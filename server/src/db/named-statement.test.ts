import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NamedStatement } from './named-statement.js';
import type { Database } from './open.js';
import { testBackends } from './test-databases.js';

/** Each case names its statements afresh: a name is parsed once per engine or connection. */
const named = (text: string): NamedStatement => ({ name: `t_${randomUUID().replaceAll('-', '')}`, text });

describe.each(testBackends)('named statements on $name', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await backend.open();
    await database.db.execute(`create table if not exists named_probe (k text primary key, v text)`);
  });
  afterAll(() => database.close());

  it('answers rows of text, SQL NULL as null, and the same on every later call', async () => {
    const s = named(`select $1::text as a, $2::int + 1 as b, null::text as c, $3::timestamptz as d`);
    for (const word of ['plain', 'ёжик, "кавычки" и \\ слэш', '']) {
      const rows = await database.named(s, [word, '41', '2026-12-03T10:00:00Z']);
      expect(rows).toHaveLength(1);
      const [a, b, c, d] = rows[0] ?? [];
      expect([a, b, c]).toEqual([word, '42', null]);
      expect(new Date(d as string).toISOString()).toBe('2026-12-03T10:00:00.000Z');
    }
    expect(await database.named(named('select 1 where false'), [])).toEqual([]);
  });

  it('binds NULL and many rows, and the values never become SQL', async () => {
    const s = named(`select x from unnest($1::text[]) as x`);
    const hostile = `'); drop table named_probe; --`;
    const rows = await database.named(s, [`{"${hostile}",NULL,"b"}`]);
    expect(rows).toEqual([[hostile], [null], ['b']]);
    const isNull = await database.named(named('select $1::text is null'), [null]);
    expect(isNull).toEqual([['t']]);
    expect(await database.db.execute('select 1 from named_probe limit 1')).toBeDefined();
  });

  it('throws PostgreSQL’s error with its fields, and a refused text leaves the name free of it', async () => {
    const bad = named('selec 1');
    await expect(database.named(bad, [])).rejects.toMatchObject({ code: '42601' });
    await expect(database.named(bad, [])).rejects.toMatchObject({ code: '42601' });
    const insert = named('insert into named_probe (k, v) values ($1, $2) returning k');
    const key = randomUUID();
    expect(await database.named(insert, [key, 'one'])).toEqual([[key]]);
    // An error in execution leaves the parsed statement usable.
    await expect(database.named(insert, [key, 'two'])).rejects.toMatchObject({
      code: '23505',
      constraint: 'named_probe_pkey',
    });
    const other = randomUUID();
    expect(await database.named(insert, [other, 'three'])).toEqual([[other]]);
  });
});
