import type { CustomerDraft, LookupKey } from '@erp-bridge/shared';

/** What "create the customer in the ERP" would send: the card's name and first identifiers. */
export function draftOf(name: string | null | undefined, ids: Record<LookupKey, string[]>): CustomerDraft {
  return {
    name: (name ?? '').trim(),
    inn: ids.inn[0] ?? null,
    phone: ids.phone[0] ?? null,
    email: ids.email[0] ?? null,
  };
}
