import { z } from 'zod';

/**
 * A MoySklad webhook body (https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-vebhuki):
 * `events[]` of {meta: {type, href}, action, accountId?, updatedFields?}, plus an auditContext we
 * do not need. Only links: the receiver re-reads the entity, so a forged or replayed body can
 * at most make us ask the ERP again (bounded by the per-account check job).
 */
export const MoySkladHookBody = z.object({
  events: z
    .array(
      z.object({
        meta: z.object({ type: z.string().max(64), href: z.string().max(2000) }),
        action: z.string().max(16),
        accountId: z.string().max(64).optional(),
        updatedFields: z.array(z.string().max(64)).max(200).optional(),
      }),
    )
    .min(1)
    .max(1000),
});
export type MoySkladHookBody = z.infer<typeof MoySkladHookBody>;

const ID = /\/entity\/[a-z]+\/([0-9a-f-]{36})(?:[/?#]|$)/i;

/** Invoice ids named by the events, and whether a payment came (which may pay any open invoice). */
export function hookTargets(body: MoySkladHookBody): { invoiceIds: string[]; payment: boolean } {
  const invoiceIds = new Set<string>();
  let payment = false;
  for (const e of body.events) {
    if (e.meta.type === 'paymentin') payment = true;
    if (e.meta.type !== 'invoiceout') continue;
    const id = ID.exec(e.meta.href)?.[1];
    if (id) invoiceIds.add(id.toLowerCase());
  }
  return { invoiceIds: [...invoiceIds], payment };
}
