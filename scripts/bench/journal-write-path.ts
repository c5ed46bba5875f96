import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, openDatabase } from '../../server/src/db/open.js';
import { createJournalInsert, type JournalInsert } from '../../server/src/journal/insert.js';
import { JOURNAL_COLUMNS } from '../../server/src/journal/row.js';
import { createJournalWriter } from '../../server/src/journal/writer.js';
import type { ExchangeRecord } from '../../server/src/lib/exchange.js';
import { createLogger } from '../../server/src/log.js';
import { percentile } from './lib/report.js';

/**
 * The journal's write path alone, in this process, A/B in alternating rounds: the rows of a
 * widget call (as the server's writer builds them) into the table, by the statement main used
 * before (one json_to_recordset INSERT per 200 rows, into a table that also had the global `at`
 * index) and by today's (one COPY per up to 1000 rows: FROM '/dev/blob' on PGlite, FROM STDIN on PostgreSQL).
 * CPU is this process's (PGlite runs in it) plus, on PostgreSQL, the one backend serving it:
 * a figure the machine's other load hardly moves, unlike req/s.
 */
const ROWS_PER_ROUND = 6000;
const ROUNDS = 7;

/** The statement the writer used before this change (kept here as the benchmark's baseline). */
async function jsonRecordsetInsert(database: Database, table: string): Promise<JournalInsert> {
  // The columns' types as the table has them (the product writes by COPY and needs no list).
  const { rows: typed } = (await database.db.execute(
    `select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute
      where attrelid = 'exchange_journal'::regclass and attnum > 0 and not attisdropped`,
  )) as unknown as { rows: { name: string; type: string }[] };
  const types = new Map(typed.map((c) => [c.name, c.type]));
  const columns = JOURNAL_COLUMNS.map((c) => `${c} ${types.get(c)}`).join(', ');
  return async (rows) => {
    const objects = rows.map((row) => Object.fromEntries(JOURNAL_COLUMNS.map((c, i) => [c, row[i]])));
    // Then a bound parameter; inlined as a dollar-quoted literal here (no `$j$` in the data).
    await database.db.execute(`insert into ${table} (${JOURNAL_COLUMNS.join(', ')})
      select ${JOURNAL_COLUMNS.join(', ')} from json_to_recordset($j$${JSON.stringify(objects)}$j$::json)
      as x(${columns})`);
  };
}

const cpuTicksOf = (pid: number) => {
  let f: string;
  try {
    f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0; // a backend that ended
  }
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000; // µs (USER_HZ = 100)
};

const record = (): ExchangeRecord => ({
  at: Date.now(),
  direction: 'in',
  system: 'widget',
  accountId: 31000001,
  method: 'GET',
  path: '/api/v1/leads/1001/stock',
  status: 200,
  latencyMs: 4.2,
  attempt: 1,
  widgetRequestId: randomUUID(),
  leadId: 1001,
});

export interface WritePathFigures {
  beforeUsPerRow: number;
  afterUsPerRow: number;
}

export async function measureWritePath(postgresUrl?: string): Promise<WritePathFigures> {
  let dataDir: string | undefined;
  let database: Database;
  let dropDatabase = async () => {};
  if (postgresUrl) {
    const { freshPostgresDatabase } = await import('../../server/src/db/test-databases.js');
    const fresh = await freshPostgresDatabase(postgresUrl);
    database = await openDatabase({ databaseUrl: fresh.url, dataDir: 'unused', poolMax: 2 });
    dropDatabase = fresh.drop;
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'erpb-bench-journal-write-'));
    database = await openDatabase({ dataDir, useTemplate: false });
  }
  try {
    // The table as migration 0009 made it (with the global `at` index), for the baseline.
    await database.db.execute('create table journal_before (like exchange_journal including all)');
    await database.db.execute('create index on journal_before (at)');
    // The pool's backends (migration took two connections; statements use any of them).
    const backendPids = postgresUrl
      ? (
          (await database.db.execute(
            'select pid from pg_stat_activity where datname = current_database()',
          )) as unknown as { rows: { pid: number }[] }
        ).rows.map((r) => Number(r.pid))
      : [];
    const cpuUs = () => {
      const own = process.cpuUsage();
      return own.user + own.system + backendPids.reduce((sum, pid) => sum + cpuTicksOf(pid), 0);
    };
    const log = createLogger('silent');
    const variants = {
      before: { batchRows: 200, insert: await jsonRecordsetInsert(database, 'journal_before') },
      after: { batchRows: 1000, insert: createJournalInsert(database) },
    };
    const samples = { before: [] as number[], after: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
      for (const name of order) {
        const writer = createJournalWriter({ database, log, flushMs: 60_000, ...variants[name] });
        const records = Array.from({ length: ROWS_PER_ROUND }, record);
        const start = cpuUs();
        // As the server sees it: records arrive, a batch is written when full.
        for (const r of records) writer.observe(r);
        await writer.close();
        if (writer.written !== ROWS_PER_ROUND) throw new Error(`${name}: wrote ${writer.written}`);
        if (round > 0) samples[name].push((cpuUs() - start) / ROWS_PER_ROUND);
      }
    }
    return { beforeUsPerRow: percentile(samples.before, 50), afterUsPerRow: percentile(samples.after, 50) };
  } finally {
    await database.close();
    await dropDatabase();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
