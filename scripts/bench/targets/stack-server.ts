import { seedLead } from '../../../tests/support/seed-leads.js';
import { type Stack, startStack } from '../../../tests/support/stack.js';
import { serveCommands } from '../lib/child.js';
import { type StackInfo, stackInfo } from '../lib/stack-info.js';

/**
 * The real backend plus an amoCRM emulator (tests/support/stack.ts) in a process of its own.
 * BENCH_STACK (JSON) is passed to startStack: { emulator?, env?, oauth? }; BENCH_POSTGRES (an
 * admin URL) puts the backend on a fresh PostgreSQL database, dropped on close.
 */
export type { StackInfo };

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
  const info = await stackInfo(stack);
  const { accountId } = info;
  const db = stack.server.services.database.db;
  serveCommands(
    info,
    {
      /** Inbox rows for lead ids in [from, to] (and of those not yet processed), and raw bodies stored. */
      async inbox(args) {
        const from = Number(args.from);
        const to = Number(args.to);
        const events = rows(
          await db.execute(
            `select count(*)::int as n from webhook_inbox where entity_id between ${from} and ${to}`,
          ),
        );
        const bodies = rows(await db.execute('select count(*)::int as n from webhook_bodies'));
        const pending = rows(
          await db.execute(
            `select count(*)::int as n from webhook_inbox where entity_id between ${from} and ${to} and processed_at is null`,
          ),
        );
        return { events: Number(events[0]?.n), bodies: Number(bodies[0]?.n), pending: Number(pending[0]?.n) };
      },
      ...guardCommands(stack, accountId),
      /** The request journal on or off (scripts/bench/journal.ts), and what it wrote. */
      journaling(args) {
        stack.server.services.operator.setJournaling(Boolean(args.on));
        const w = stack.server.services.operator.journalWriter;
        return { written: w.written, dropped: w.dropped };
      },
      /** PostgreSQL only: the server processes serving this database (the journal bench adds their CPU). */
      async databasePids() {
        if (!process.env.BENCH_POSTGRES) return [];
        const found = rows(
          await db.execute('select pid from pg_stat_activity where datname = current_database()'),
        );
        return found.map((r) => Number(r.pid));
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

/**
 * Commands for the guard benchmarks (scripts/bench/guard-*.ts): turn the guard on, tune the
 * emulator, seed deals straight into its state, simulate a UI move and time the revert, and count
 * what the guard decided and wrote.
 */
function guardCommands(stack: Stack, accountId: number) {
  const emu = stack.emulator;
  const services = stack.server.services;
  const db = services.database.db;
  return {
    async guardEnable(args: Record<string, unknown>) {
      const until = Date.now() + 10_000;
      while (emu.state.webhooks.size === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      if (emu.state.webhooks.size === 0) throw new Error('the webhook subscription was not registered');
      await services.accountSettings.update(accountId, { guard: args.guard as never });
      return { webhooks: emu.state.webhooks.size };
    },
    /** The guard's counters: own echoes decided without a read, interrupted decisions finished. */
    guardStats() {
      return services.guard.stats();
    },
    /** Sets emulator knobs (latencyMs, rateLimitPerSecond, autoDeliverWebhooks, …). */
    emuConfig(args: Record<string, unknown>) {
      Object.assign(emu.state.config, args.config);
      return emu.state.config;
    },
    /**
     * Adds deals [first, first + n) to the emulator's state (no API, no hooks): every `shortEvery`-th
     * one (from the first) holds `short` products, the others `fine` ones ([elementId, qty][]).
     */
    seedLeads(args: Record<string, unknown>) {
      const first = Number(args.first);
      const n = Number(args.n);
      const shortEvery = Number(args.shortEvery ?? 1);
      const short = args.short as [number, number][];
      const fine = (args.fine ?? short) as [number, number][];
      for (let i = 0; i < n; i++) {
        const id = first + i;
        seedLead(emu.state, {
          id,
          name: `Bench guard deal ${id}`,
          statusId: Number(args.statusId),
          pipelineId: 8001,
          products: i % shortEvery === 0 ? short : fine,
        });
      }
      return { leads: emu.state.leads.size };
    },
    /**
     * A manager drags `leadId` into `statusId` in the UI; resolves when the emulator applies a write
     * that takes it out of that stage again (or after timeoutMs), with the trail in between.
     */
    async uiMoveAndWait(args: Record<string, unknown>) {
      const leadId = Number(args.leadId);
      const statusId = Number(args.statusId);
      const timeoutMs = Number(args.timeoutMs ?? 10_000);
      const callsFrom = emu.calls.length;
      const deliveriesFrom = emu.state.webhookDeliveries.length;
      let listener: ((batch: { lead: { id: number; statusId: number } }[]) => void) | undefined;
      let timer: NodeJS.Timeout | undefined;
      const started = performance.now();
      const t0 = Date.now();
      const back = new Promise<number | null>((resolve) => {
        listener = (batch) => {
          if (batch.some((c) => c.lead.id === leadId && c.lead.statusId !== statusId))
            resolve(performance.now() - started);
        };
        emu.state.leadListeners.add(listener);
        timer = setTimeout(() => resolve(null), timeoutMs);
      });
      const moved = emu.state.uiMoveLead(leadId, statusId);
      if (!moved.ok) throw new Error(`uiMoveLead refused: ${moved.reason}`);
      const ms = await back;
      const movedAt = Date.now();
      clearTimeout(timer);
      if (listener) emu.state.leadListeners.delete(listener as never);
      // The call log is written after each answer: give the reverting PATCH time to land in it.
      await new Promise((r) => setTimeout(r, 2 * emu.state.config.latencyMs + 100));
      return {
        t0,
        ms,
        movedAt,
        deliveries: emu.state.webhookDeliveries
          .slice(deliveriesFrom)
          .map((d) => ({ at: d.at, status: d.status, attempt: d.attempt })),
        calls: emu.calls
          .slice(callsFrom)
          .map((c) => ({ method: c.method, path: c.path, query: c.query, status: c.status, at: c.at })),
      };
    },
    /** amoCRM API calls since `since` (epoch ms) by method and path, and the busiest second. */
    emulatorCallsByRoute(args: Record<string, unknown>) {
      const since = Number(args.since ?? 0);
      const byRoute: Record<string, number> = {};
      const perSecond = new Map<number, number>();
      for (const c of emu.calls) {
        if (c.at < since || !c.path.startsWith('/api/v4')) continue;
        const key = `${c.method} ${c.path.replace(/\/\d+/g, '/:id')} ${c.status}`;
        byRoute[key] = (byRoute[key] ?? 0) + 1;
        const s = Math.floor(c.at / 1000);
        perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
      }
      return { byRoute, busiestSecond: Math.max(0, ...perSecond.values()) };
    },
    /** Guard decisions for deals in [from, to]: distinct deals decided, last decision (epoch ms), inbox. */
    async guardProgress(args: Record<string, unknown>) {
      const from = Number(args.from);
      const to = Number(args.to);
      const [row] = rows(
        await db.execute(
          `select count(distinct lead_id)::int as decided, count(*)::int as decisions,
             (extract(epoch from max(at)) * 1000)::float8 as last_at,
             (extract(epoch from min(at)) * 1000)::float8 as first_at
           from guard_decisions where lead_id between ${from} and ${to}`,
        ),
      );
      const inbox = await services.inbox.counts();
      return {
        decided: Number(row?.decided ?? 0),
        decisions: Number(row?.decisions ?? 0),
        lastAt: row?.last_at == null ? null : Number(row.last_at),
        firstAt: row?.first_at == null ? null : Number(row.first_at),
        inbox,
      };
    },
    /** What the emulator holds for deals [from, to] and what the guard decided last for each. */
    async guardOutcome(args: Record<string, unknown>) {
      const from = Number(args.from);
      const to = Number(args.to);
      const tag = String(args.tag);
      const gated = Number(args.gatedStatusId);
      const notes = new Map<number, number>();
      for (const n of emu.state.notes.values())
        if (n.entityId >= from && n.entityId <= to) notes.set(n.entityId, (notes.get(n.entityId) ?? 0) + 1);
      const tasks = new Map<number, number>();
      for (const t of emu.state.tasks.values())
        if (t.entityId !== null && t.entityId >= from && t.entityId <= to)
          tasks.set(t.entityId, (tasks.get(t.entityId) ?? 0) + 1);
      const latest = rows(
        await db.execute(
          `select distinct on (lead_id) lead_id, verdict from guard_decisions
           where lead_id between ${from} and ${to} order by lead_id, at desc, id desc`,
        ),
      );
      const verdict = new Map(latest.map((r) => [Number(r.lead_id), String(r.verdict)]));
      const verdicts: Record<string, number> = {};
      for (const v of verdict.values()) verdicts[v] = (verdicts[v] ?? 0) + 1;
      const out = {
        verdicts,
        blocked: 0,
        blockedMovedBack: 0,
        blockedTagged: 0,
        blockedOneNote: 0,
        blockedOneTask: 0,
        okUntouched: 0,
        notes: [...notes.values()].reduce((a, b) => a + b, 0),
        tasks: [...tasks.values()].reduce((a, b) => a + b, 0),
        extraWrites: 0,
      };
      for (let id = from; id <= to; id++) {
        const lead = emu.state.leads.get(id);
        if (!lead) continue;
        const nNotes = notes.get(id) ?? 0;
        const nTasks = tasks.get(id) ?? 0;
        // A short deal moved back out of the gated stage is 'not_gated' from then on: still short.
        const v = verdict.get(id);
        if (v === 'blocked' || v === 'not_gated') {
          out.blocked++;
          if (lead.statusId !== gated) out.blockedMovedBack++;
          if (lead.tags.some((t) => t.name === tag)) out.blockedTagged++;
          if (nNotes === 1) out.blockedOneNote++;
          if (nTasks === 1) out.blockedOneTask++;
          if (nNotes > 1 || nTasks > 1) out.extraWrites++;
        } else {
          if (lead.statusId === gated && nNotes === 0 && nTasks === 0) out.okUntouched++;
          if (nNotes || nTasks) out.extraWrites++;
        }
      }
      return out;
    },
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`stack-server failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
