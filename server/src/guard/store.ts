import type { GuardActionDone, GuardDecision, GuardRecord, GuardRules, Stage } from '@erp-bridge/shared';
import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { rowsOf } from '../db/rows-of.js';
import { guardDecisions, guardLeads } from '../db/schema.js';

export type GuardLeadState = typeof guardLeads.$inferSelect;

/** The guard's memory per deal (last verdict, last good stage, a work lease) and its audit trail. */
export function createGuardStore(db: Db, opts: { leaseMs?: number } = {}) {
  const leaseMs = opts.leaseMs ?? 30_000;
  const held = (accountId: number, owner: string) =>
    and(eq(guardLeads.accountId, accountId), eq(guardLeads.leaseOwner, owner));

  return {
    leaseMs,

    /**
     * Takes the work lease of each deal that no other worker holds, so two jobs never enforce one
     * deal at once (their notes would double). Returns the states of the deals taken.
     */
    async lease(
      accountId: number,
      leadIds: readonly number[],
      owner: string,
    ): Promise<Map<number, GuardLeadState>> {
      if (leadIds.length === 0) return new Map();
      await db
        .insert(guardLeads)
        .values(leadIds.map((leadId) => ({ accountId, leadId })))
        .onConflictDoNothing();
      const rows = await db
        .update(guardLeads)
        .set({ leaseUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval`, leaseOwner: owner })
        .where(
          and(
            eq(guardLeads.accountId, accountId),
            inArray(guardLeads.leadId, [...leadIds]),
            or(isNull(guardLeads.leaseUntil), lt(guardLeads.leaseUntil, sql`now()`)),
          ),
        )
        .returning();
      return new Map(rows.map((r) => [r.leadId, r]));
    },

    /**
     * Extends the leases `owner` still holds (a heartbeat while it works) and says which: a deal
     * whose lease ran out and was taken by another worker must not be written by this one.
     */
    async renew(accountId: number, leadIds: readonly number[], owner: string): Promise<Set<number>> {
      if (leadIds.length === 0) return new Set();
      const rows = await db
        .update(guardLeads)
        .set({ leaseUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
        .where(and(held(accountId, owner), inArray(guardLeads.leadId, [...leadIds])))
        .returning({ leadId: guardLeads.leadId });
      return new Set(rows.map((r) => r.leadId));
    },

    /**
     * Writes the decisions ahead of their amoCRM writes, in one statement: if the process dies
     * before `settle`, the next run finds them and finishes them instead of deciding afresh.
     */
    async begin(
      accountId: number,
      intents: readonly { leadId: number; pending: string }[],
      owner: string,
    ): Promise<void> {
      if (intents.length === 0) return;
      await db.execute(sql`
        update guard_leads g set pending_decision = x.pending
        from jsonb_to_recordset(${JSON.stringify(intents.map((i) => ({ lead_id: i.leadId, pending: i.pending })))}::jsonb)
          as x(lead_id bigint, pending text)
        where g.account_id = ${accountId} and g.lead_id = x.lead_id and g.lease_owner = ${owner}`);
    },

    /** Deals whose decision was written ahead and never settled, and that no worker holds now. */
    async interrupted(accountId: number, limit = 250): Promise<number[]> {
      const rows = await db
        .select({ leadId: guardLeads.leadId })
        .from(guardLeads)
        .where(
          and(
            eq(guardLeads.accountId, accountId),
            sql`${guardLeads.pendingDecision} is not null`,
            or(isNull(guardLeads.leaseUntil), lt(guardLeads.leaseUntil, sql`now()`)),
          ),
        )
        .limit(limit);
      return rows.map((r) => r.leadId);
    },

    /** Stores the outcome, clears the decision written ahead, and frees the lease. */
    async settle(
      accountId: number,
      leadId: number,
      next: { verdict: string; reasonsHash: string | null; lastGoodStage: Stage | null },
      owner: string,
      opts: { keepLease?: boolean } = {},
    ): Promise<void> {
      await db
        .update(guardLeads)
        .set({
          lastVerdict: next.verdict,
          reasonsHash: next.reasonsHash,
          lastGoodPipelineId: next.lastGoodStage?.pipelineId ?? null,
          lastGoodStatusId: next.lastGoodStage?.statusId ?? null,
          ...(!opts.keepLease && { leaseUntil: null, leaseOwner: null }),
          pendingDecision: null,
          updatedAt: new Date(),
        })
        .where(and(held(accountId, owner), eq(guardLeads.leadId, leadId)));
    },

    async release(accountId: number, leadIds: readonly number[], owner: string): Promise<void> {
      if (leadIds.length === 0) return;
      await db
        .update(guardLeads)
        .set({ leaseUntil: null, leaseOwner: null })
        .where(and(held(accountId, owner), inArray(guardLeads.leadId, [...leadIds])));
    },

    async record(input: {
      accountId: number;
      leadId: number;
      cause: GuardRecord['cause'];
      causeEvent: string | null;
      decision: GuardDecision;
      actions: GuardActionDone[];
      stage: Stage;
      rules: GuardRules;
    }): Promise<GuardRecord> {
      const [row] = await db
        .insert(guardDecisions)
        .values({
          accountId: input.accountId,
          leadId: input.leadId,
          cause: input.cause,
          causeEvent: input.causeEvent,
          verdict: input.decision.verdict,
          reasons: JSON.stringify(input.decision.reasons),
          actions: JSON.stringify(input.actions),
          pipelineId: input.stage.pipelineId,
          statusId: input.stage.statusId,
          rules: JSON.stringify(input.rules),
        })
        .returning();
      if (!row) throw new Error('guard decision not stored');
      return toRecord(row);
    },

    /**
     * The outcome of many decisions in one statement: each deal's state is stored, its decision
     * written ahead is cleared and its lease freed, and the audit rows are inserted, all or none
     * (a crash either leaves the intent to finish or has recorded everything).
     */
    async settleAndRecord(
      accountId: number,
      owner: string,
      rules: GuardRules,
      outcomes: readonly {
        leadId: number;
        next: { verdict: string; reasonsHash: string | null; lastGoodStage: Stage | null };
        cause: GuardRecord['cause'];
        causeEvent: string | null;
        decision: GuardDecision;
        actions: GuardActionDone[];
        stage: Stage;
      }[],
    ): Promise<Map<number, GuardRecord>> {
      if (outcomes.length === 0) return new Map();
      const rows = outcomes.map((o) => ({
        lead_id: o.leadId,
        verdict: o.next.verdict,
        reasons_hash: o.next.reasonsHash,
        good_pipeline: o.next.lastGoodStage?.pipelineId ?? null,
        good_status: o.next.lastGoodStage?.statusId ?? null,
        cause: o.cause,
        cause_event: o.causeEvent,
        decision_verdict: o.decision.verdict,
        reasons: JSON.stringify(o.decision.reasons),
        actions: JSON.stringify(o.actions),
        pipeline_id: o.stage.pipelineId,
        status_id: o.stage.statusId,
      }));
      const result = await db.execute<Record<string, unknown>>(sql`
        with x as (
          select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
            lead_id bigint, verdict text, reasons_hash text, good_pipeline bigint, good_status bigint,
            cause text, cause_event text, decision_verdict text, reasons text, actions text,
            pipeline_id bigint, status_id bigint)
        ), settled as (
          update guard_leads g set last_verdict = x.verdict, reasons_hash = x.reasons_hash,
            last_good_pipeline_id = x.good_pipeline, last_good_status_id = x.good_status,
            lease_until = null, lease_owner = null, pending_decision = null, updated_at = now()
          from x where g.account_id = ${accountId} and g.lead_id = x.lead_id and g.lease_owner = ${owner}
          returning g.lead_id
        )
        insert into guard_decisions (account_id, lead_id, cause, cause_event, verdict, reasons, actions,
          pipeline_id, status_id, rules)
        select ${accountId}, x.lead_id, x.cause, x.cause_event, x.decision_verdict, x.reasons, x.actions,
          x.pipeline_id, x.status_id, ${JSON.stringify(rules)}
        from x join settled s on s.lead_id = x.lead_id
        returning id, lead_id, at, cause, verdict, reasons, actions, pipeline_id, status_id`);
      const inserted = rowsOf<Record<string, unknown>>(result);
      return new Map(
        inserted.map((r) => [
          Number(r.lead_id),
          {
            id: Number(r.id),
            leadId: Number(r.lead_id),
            at: new Date(r.at as string | Date).toISOString(),
            cause: r.cause as GuardRecord['cause'],
            verdict: r.verdict as GuardRecord['verdict'],
            reasons: JSON.parse(r.reasons as string),
            actions: JSON.parse(r.actions as string),
            stage: { pipelineId: Number(r.pipeline_id), statusId: Number(r.status_id) },
          },
        ]),
      );
    },

    async history(accountId: number, leadId: number, limit = 20): Promise<GuardRecord[]> {
      const rows = await db
        .select()
        .from(guardDecisions)
        .where(and(eq(guardDecisions.accountId, accountId), eq(guardDecisions.leadId, leadId)))
        .orderBy(desc(guardDecisions.at), desc(guardDecisions.id))
        .limit(limit);
      return rows.map(toRecord);
    },

    /** Deals last seen short: re-checked periodically so a restock unblocks them. */
    async shortLeads(accountId: number, limit = 500): Promise<number[]> {
      const rows = await db
        .select({ leadId: guardLeads.leadId })
        .from(guardLeads)
        .where(
          and(eq(guardLeads.accountId, accountId), inArray(guardLeads.lastVerdict, ['blocked', 'not_gated'])),
        )
        .limit(limit);
      return rows.map((r) => r.leadId);
    },
  };
}

export type GuardStore = ReturnType<typeof createGuardStore>;

function toRecord(row: typeof guardDecisions.$inferSelect): GuardRecord {
  return {
    id: row.id,
    leadId: row.leadId,
    at: row.at.toISOString(),
    cause: row.cause as GuardRecord['cause'],
    verdict: row.verdict as GuardRecord['verdict'],
    reasons: JSON.parse(row.reasons),
    actions: JSON.parse(row.actions),
    stage: { pipelineId: row.pipelineId, statusId: row.statusId },
  };
}
