import { type Stack, startStack, TEST_SECRET } from '../../../tests/support/stack.js';
import { serveCommands } from '../lib/child.js';

/**
 * The real backend plus an amoCRM emulator (tests/support/stack.ts) in a process of its own.
 * BENCH_STACK (JSON) is passed to startStack: { emulator?, env?, oauth? }; BENCH_POSTGRES (an
 * admin URL) puts the backend on a fresh PostgreSQL database, dropped on close.
 */
export interface StackInfo {
  backend: string;
  emulatorUrl: string;
  accountId: number;
  subdomain: string;
  hookKey: string;
  secret: string;
  database: 'pglite' | 'postgres';
}

const rows = (r: unknown) => (r as { rows: Record<string, unknown>[] }).rows;

async function main() {
  const opts = JSON.parse(process.env.BENCH_STACK ?? '{}') as NonNullable<Parameters<typeof startStack>[0]>;
  let dropDatabase = async () => {};
  if (process.env.BENCH_POSTGRES) {
    // Imported here: test-databases refuses to load under CI without TEST_DATABASE_URL.
    const { createPostgresDatabase } = await import('../../../server/src/db/test-databases.js');
    const fresh = await createPostgresDatabase(process.env.BENCH_POSTGRES);
    opts.databaseUrl = fresh.connectionString;
    dropDatabase = () => fresh.close();
  }
  const stack: Stack = await startStack(opts);
  const accountId = stack.emulator.state.account.id;
  const inst = await stack.server.services.installations.findActive(accountId);
  if (!inst) throw new Error('the installation was not created');
  const db = stack.server.services.database.db;
  const info: StackInfo = {
    backend: stack.backend,
    database: stack.server.services.database.kind,
    emulatorUrl: stack.emulator.url,
    accountId,
    subdomain: inst.subdomain,
    hookKey: inst.hookKey,
    secret: TEST_SECRET,
  };
  serveCommands(
    info,
    {
      /** Inbox rows for lead ids in [from, to], and raw bodies stored. */
      async inbox(args) {
        const from = Number(args.from);
        const to = Number(args.to);
        const events = rows(
          await db.execute(
            `select count(*)::int as n from webhook_inbox where entity_id between ${from} and ${to}`,
          ),
        );
        const bodies = rows(await db.execute('select count(*)::int as n from webhook_bodies'));
        return { events: Number(events[0]?.n), bodies: Number(bodies[0]?.n) };
      },
      /** amoCRM API calls the emulator saw since `since` (epoch ms), by status. */
      emulatorCalls(args) {
        const since = Number(args.since ?? 0);
        const calls = stack.emulator.calls.filter((c) => c.at >= since && c.path.startsWith('/api/v4'));
        const byStatus: Record<string, number> = {};
        for (const c of calls) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
        return { total: calls.length, byStatus };
      },
    },
    async () => {
      await stack.close();
      await dropDatabase();
    },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`stack-server failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
