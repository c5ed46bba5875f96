import type { GuardActionDone, GuardDecision, GuardRecord, Stage } from '@erp-bridge/shared';
import type { z } from 'zod';
import { type NoteInput, NoteList, type TaskInput, TaskList } from '../amocrm/api-schemas.js';
import { type AmoClient, chunk } from '../amocrm/client.js';
import type { Plan } from './plan.js';

/**
 * A decision written ahead of its amoCRM writes (guard_leads.pending_decision). amoCRM has no
 * idempotency keys, so the decision id travels in the note and task texts: after a crash, the
 * notes and tasks carrying it are what was written, and only the rest is written again.
 */
export interface PendingDecision {
  id: string;
  /** Unix seconds when the writes began: traces are searched from shortly before. */
  at: number;
  notes: NoteInput[];
  task: TaskInput | null;
  next: Plan['next'];
  record: {
    cause: GuardRecord['cause'];
    causeEvent: string | null;
    decision: GuardDecision;
    actions: GuardActionDone[];
    stage: Stage;
  };
}

export function pendingOf(plan: Plan, now: Date): PendingDecision {
  return {
    id: plan.decisionId,
    at: Math.floor(now.getTime() / 1000),
    notes: plan.notes,
    task: plan.task,
    next: plan.next,
    record: {
      cause: plan.item.cause,
      causeEvent: plan.item.causeEvent,
      decision: plan.decision,
      actions: plan.actions,
      stage: { pipelineId: plan.lead.pipeline_id, statusId: plan.lead.status_id },
    },
  };
}

const MARKER = /\[erp-bridge ([0-9a-f]{8,32})\]/g;

function idsIn(text: string | undefined | null): string[] {
  return [...(text ?? '').matchAll(MARKER)].map((m) => m[1] as string);
}

/** Decision ids found in the deals' notes and tasks changed since `since`, as `${leadId}:${id}`. */
export interface Traces {
  notes: Set<string>;
  tasks: Set<string>;
}

/**
 * Searches the deals' recent notes and tasks for decision ids, in bulk: the notes and tasks list
 * endpoints filtered by entity ids and modification time, 250 deals per request.
 */
export async function findTraces(
  amo: Pick<AmoClient, 'request'>,
  leadIds: readonly number[],
  since: number,
): Promise<Traces> {
  const traces: Traces = { notes: new Set(), tasks: new Set() };
  for (const ids of chunk(leadIds, 250)) {
    const noteQuery = new URLSearchParams({ 'filter[updated_at][from]': String(since) });
    const taskQuery = new URLSearchParams({
      'filter[entity_type]': 'leads',
      'filter[updated_at][from]': String(since),
    });
    for (const id of ids) {
      noteQuery.append('filter[entity_id][]', String(id));
      taskQuery.append('filter[entity_id][]', String(id));
    }
    for await (const page of pages(amo, '/leads/notes', NoteList, noteQuery))
      for (const n of page._embedded.notes)
        for (const d of idsIn(n.params?.text)) traces.notes.add(`${n.entity_id}:${d}`);
    for await (const page of pages(amo, '/tasks', TaskList, taskQuery))
      for (const t of page._embedded.tasks)
        for (const d of idsIn(t.text)) traces.tasks.add(`${t.entity_id}:${d}`);
  }
  return traces;
}

async function* pages<T extends z.ZodType<{ _links?: { next?: { href: string } } }>>(
  amo: Pick<AmoClient, 'request'>,
  path: string,
  schema: T,
  query: URLSearchParams,
): AsyncGenerator<z.infer<T>> {
  for (let page = 1; ; page++) {
    const q = new URLSearchParams(query);
    q.set('limit', '250');
    q.set('page', String(page));
    const body = (await amo.request('GET', path, schema, { query: q })) as z.infer<T> | null;
    if (!body) return;
    yield body;
    if (!body._links?.next) return;
  }
}

/** The writes of interrupted decisions that left no trace in amoCRM. */
export function missingWrites(
  pending: readonly { leadId: number; decision: PendingDecision }[],
  traces: Traces,
): { notes: NoteInput[]; tasks: TaskInput[] } {
  const notes: NoteInput[] = [];
  const tasks: TaskInput[] = [];
  for (const { leadId, decision } of pending) {
    if (!traces.notes.has(`${leadId}:${decision.id}`)) notes.push(...decision.notes);
    if (decision.task && !traces.tasks.has(`${leadId}:${decision.id}`)) tasks.push(decision.task);
  }
  return { notes, tasks };
}
