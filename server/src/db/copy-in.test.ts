import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './open.js';
import { testBackends } from './test-databases.js';

describe.each(testBackends)('bulk load (COPY) on $name', (backend) => {
  let database: Database;
  const count = async () =>
    Number(
      (
        (await database.db.execute('select count(*)::int as n from copy_probe')) as unknown as {
          rows: { n: number }[];
        }
      ).rows[0]?.n,
    );
  beforeAll(async () => {
    database = await backend.open();
    await database.db.execute('create table copy_probe (id int primary key, note text)');
  });
  afterAll(() => database?.close());

  it('loads rows in the text format, nulls and escapes included', async () => {
    await database.copyIn('copy_probe', ['id', 'note'], '1\tplain\n2\t\\N\n3\ttab\\there\n');
    const { rows } = (await database.db.execute(
      'select id, note from copy_probe order by id',
    )) as unknown as {
      rows: { id: number; note: string | null }[];
    };
    expect(rows).toEqual([
      { id: 1, note: 'plain' },
      { id: 2, note: null },
      { id: 3, note: 'tab\there' },
    ]);
  });

  it('a failing COPY writes none of its rows, and the next one works', async () => {
    // The second row repeats a key: the statement fails as a whole, the first row with it.
    const failed = database.copyIn('copy_probe', ['id', 'note'], '4\tfine\n1\tduplicate\n');
    await expect(failed).rejects.toThrow(/duplicate key|unique/);
    expect(await count()).toBe(3);
    for (let i = 0; i < 3; i++) await database.copyIn('copy_probe', ['id', 'note'], `${10 + i}\tafter\n`);
    expect(await count()).toBe(6);
  });
});
