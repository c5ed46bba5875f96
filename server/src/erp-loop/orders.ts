import type { ErpLoopSettings, Stage } from '@erp-bridge/shared';
import { LOST_STATUS_ID, WON_STATUS_ID } from '@erp-bridge/shared';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { erpOrders } from '../db/schema.js';

export type OrderRow = typeof erpOrders.$inferSelect;
export type OrderAction = 'reserve' | 'release' | 'keep';

const same = (a: Stage, b: Stage) => a.pipelineId === b.pipelineId && a.statusId === b.statusId;

/** What reaching `stage` asks of the deal's order, by the admin's mapping. */
export function orderActionFor(stage: Stage, s: ErpLoopSettings): OrderAction | null {
  if (s.reserveStage && same(stage, s.reserveStage)) return 'reserve';
  if ((s.releaseOnLost && stage.statusId === LOST_STATUS_ID) || s.releaseStages.some((x) => same(x, stage)))
    return 'release';
  if (stage.statusId === WON_STATUS_ID || s.keepStages.some((x) => same(x, stage))) return 'keep';
  return null;
}

/** The key the ERP sees (MoySklad externalCode): one deal, one order, however often we retry. */
export const orderKey = (accountId: number, leadId: number) => `erpb-order-${accountId}-${leadId}`;

/**
 * Writes the intent (the row and its key) before the ERP is called. Returns the row as it stands:
 * a deal that already has its order gets it back, never a second.
 */
export async function orderIntent(db: Db, accountId: number, leadId: number): Promise<OrderRow> {
  await db
    .insert(erpOrders)
    .values({ accountId, leadId, idempotencyKey: orderKey(accountId, leadId) })
    .onConflictDoNothing();
  const [row] = await db
    .select()
    .from(erpOrders)
    .where(and(eq(erpOrders.accountId, accountId), eq(erpOrders.leadId, leadId)));
  if (!row) throw new Error('order intent neither stored nor found');
  return row;
}

export async function setOrder(db: Db, row: OrderRow, patch: Partial<OrderRow>) {
  await db
    .update(erpOrders)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(erpOrders.accountId, row.accountId), eq(erpOrders.leadId, row.leadId)));
}

/** SKU -> quantity each deal's own live order reserved: what the guard gives back to the deal. */
export async function ownReserves(
  db: Db,
  accountId: number,
  leadIds: readonly number[],
): Promise<Map<number, Record<string, number>>> {
  const out = new Map<number, Record<string, number>>();
  if (leadIds.length === 0) return out;
  const rows = await db
    .select({ leadId: erpOrders.leadId, reserved: erpOrders.reserved })
    .from(erpOrders)
    .where(
      and(
        eq(erpOrders.accountId, accountId),
        inArray(erpOrders.leadId, [...leadIds]),
        inArray(erpOrders.status, ['reserved', 'kept']),
      ),
    );
  for (const r of rows) out.set(r.leadId, JSON.parse(r.reserved) as Record<string, number>);
  return out;
}
