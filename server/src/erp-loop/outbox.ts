import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
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
 * Sends what the outbox holds for an account, oldest first, through the rate-limited amoCRM
 * client. Record-then-send: a row is marked attempted before its note goes out; a row found
 * attempted but not done (a crash mid-send) first looks for its marker in the deal's notes, so
 * the note is written once. The move and the tag set a value and are safe to repeat.
 */
export async function flushOutbox(
  db: Db,
  amo: Pick<AmoClient, 'addLeadNotes' | 'listLeadNotes' | 'patchLead'>,
  accountId: number,
  limit = 200,
): Promise<number> {
  const rows = await db
    .select()
    .from(erpLoopOutbox)
    .where(and(eq(erpLoopOutbox.accountId, accountId), isNull(erpLoopOutbox.doneAt)))
    .orderBy(asc(erpLoopOutbox.id))
    .limit(limit);
  let sent = 0;
  for (const row of rows) {
    const writes = LoopWrites.parse(JSON.parse(row.writes));
    let noteThere = false;
    if (row.attemptedAt) {
      const notes = await amo.listLeadNotes([row.leadId]);
      noteThere = notes.some((n) => (n.params?.text ?? '').includes(noteMarker(row.dedupeKey)));
    }
    await db.update(erpLoopOutbox).set({ attemptedAt: new Date() }).where(eq(erpLoopOutbox.id, row.id));
    if (!noteThere)
      await amo.addLeadNotes([{ entity_id: row.leadId, note_type: 'common', params: { text: writes.note } }]);
    if (writes.move || writes.tag)
      await amo.patchLead(row.leadId, {
        ...(writes.move && { pipeline_id: writes.move.pipelineId, status_id: writes.move.statusId }),
        ...(writes.tag && { tags_to_add: [{ name: writes.tag }] }),
      });
    await db.update(erpLoopOutbox).set({ doneAt: new Date() }).where(eq(erpLoopOutbox.id, row.id));
    sent++;
  }
  return sent;
}
