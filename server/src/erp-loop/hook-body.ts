import { z } from 'zod';

/**
 * A MoySklad webhook notification, as the 1.2 documentation shows it
 * (https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-vebhuki, "Пример вебхука";
 * github.com/moysklad/api-remap-1.2-doc, source/includes/dictionaries/_webhook.md):
 * `POST <url>?requestId=<uuid>` with `{auditContext: {meta, uid, moment}, events: [{meta: {type,
 * href}, action, accountId, updatedFields?}]}`. `events` is required and may hold several
 * events; `action` is one of CREATE, UPDATE, DELETE, PROCESSED; `updatedFields` comes only for
 * UPDATE when the webhook was made with diffType=FIELDS (ours are not), so nothing relies on it;
 * `auditContext` is optional in the docs and unused here. Unknown fields are ignored and the
 * documented ones we do not use are optional, so a body MoySklad enriches still parses.
 * Only links are taken: the receiver re-reads the entity, so a forged or replayed body can at
 * most make us ask the ERP again (bounded by the per-account check job).
 */
export const MoySkladHookBody = z.object({
  auditContext: z.unknown().optional(),
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

export interface HookTargets {
  /** invoiceout ids named by the events. */
  invoiceIds: string[];
  /** paymentin ids named by the events: what they pay is read from their `operations`. */
  paymentIds: string[];
  /** A payment came (it may pay an invoice it does not name in the body). */
  payment: boolean;
}

/** What the events name: invoices, and payments (whose linked invoices the check job reads). */
export function hookTargets(body: MoySkladHookBody): HookTargets {
  const invoiceIds = new Set<string>();
  const paymentIds = new Set<string>();
  let payment = false;
  for (const e of body.events) {
    if (e.meta.type !== 'invoiceout' && e.meta.type !== 'paymentin') continue;
    if (e.meta.type === 'paymentin') payment = true;
    const id = ID.exec(e.meta.href)?.[1]?.toLowerCase();
    if (!id) continue;
    (e.meta.type === 'invoiceout' ? invoiceIds : paymentIds).add(id);
  }
  return { invoiceIds: [...invoiceIds], paymentIds: [...paymentIds], payment };
}
