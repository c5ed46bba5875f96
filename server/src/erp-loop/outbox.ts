import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { LeadPatch } from '../amocrm/api-schemas.js';
import type { AmoClient } from '../amocrm/client.js';
import type { Db } from '../db/open.js';
import { erpLoopOutbox } from '../db/schema.js';
import { noteMarker } from './messages.js';

/** One state change's amoCRM writes: a note, and where the admin mapped it, a move or a tag. */
export const LoopWrites = z.object({
  note: z.string(),
  move: z.object({ pipelineId: z.number().int(), statusId: z.number().int() }).optional(),
  tag: z.string().optional(),
});
export type LoopWrites = z.infer<typeof LoopWrites>;

type Tx = Pick<Db, 'insert'>;

/** Records the writes of one change; the same dedupe key again records nothing (true = new). */
export async function recordWrites(
  tx: Tx,
  row: { accountId: number; leadId: number; dedupeKey: string; writes: LoopWrites },
): Promise<boolean> {
  const inserted = await tx
    .insert(erpLoopOutbox)
    .values({ ...row, writes: JSON.stringify(row.writes) })
    .onConflictDoNothing({ target: erpLoopOutbox.dedupeKey })
    .returning({ id: erpLoopOutbox.id });
  return inserted.length > 0;
}

/**
 * Sends what the outbox holds for an account, oldest first, in bulk through the rate-limited
 * amoCRM client: one notes request and one PATCH per 50 deals (amoCRM's batch size), so a poll
 * that finds 40 paid invoices spends 2 requests, not 80. Record-then-send: rows are marked
 * attempted before their notes go out; rows found attempted but not done (a crash mid-send) first
 * look for their marker in the deals' notes, so each note is written once. The move and the tag
 * set a value and are safe to repeat (a deal with two rows gets the later move and both tags).
 */
export async function flushOutbox(
  db: Db,
  amo: Pick<AmoClient, 'addLeadNotes' | 'listLeadNotes' | 'patchLeads'>,
  accountId: number,
  limit = 200,
): Promise<number> {
  const rows = await db
    .select()
    .from(erpLoopOutbox)
    .where(and(eq(erpLoopOutbox.accountId, accountId), isNull(erpLoopOutbox.doneAt)))
    .orderBy(asc(erpLoopOutbox.id))
    .limit(limit);
  if (rows.length === 0) return 0;
  const interrupted = rows.filter((r) => r.attemptedAt);
  const present = new Set<string>();
  if (interrupted.length) {
    const notes = await amo.listLeadNotes([...new Set(interrupted.map((r) => r.leadId))]);
    for (const r of interrupted)
      if (notes.some((n) => (n.params?.text ?? '').includes(noteMarker(r.dedupeKey))))
        present.add(r.dedupeKey);
  }
  const ids = rows.map((r) => r.id);
  await db.update(erpLoopOutbox).set({ attemptedAt: new Date() }).where(inArray(erpLoopOutbox.id, ids));
  const parsed = rows.map((r) => ({ row: r, writes: LoopWrites.parse(JSON.parse(r.writes)) }));
  const notes = parsed
    .filter(({ row }) => !present.has(row.dedupeKey))
    .map(({ row, writes }) => ({
      entity_id: row.leadId,
      note_type: 'common' as const,
      params: { text: writes.note },
    }));
  if (notes.length) await amo.addLeadNotes(notes);
  const patches = new Map<number, LeadPatch & { id: number }>();
  for (const { row, writes } of parsed) {
    if (!writes.move && !writes.tag) continue;
    const p = patches.get(row.leadId) ?? { id: row.leadId };
    if (writes.move)
      Object.assign(p, { pipeline_id: writes.move.pipelineId, status_id: writes.move.statusId });
    if (writes.tag) p.tags_to_add = [...(p.tags_to_add ?? []), { name: writes.tag }];
    patches.set(row.leadId, p);
  }
  if (patches.size) await amo.patchLeads([...patches.values()]);
  await db.update(erpLoopOutbox).set({ doneAt: new Date() }).where(inArray(erpLoopOutbox.id, ids));
  return rows.length;
}
