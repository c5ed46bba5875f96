import type { CustomerPanel, CustomerSummaryView, LookupKey } from '@erp-bridge/shared';
import { and, eq } from 'drizzle-orm';
import type { AmoAccess } from '../amocrm/access.js';
import type { Lead } from '../amocrm/api-schemas.js';
import type { Installation } from '../amocrm/installations.js';
import type { Db } from '../db/open.js';
import { customerLinks } from '../db/schema.js';
import type { CustomerSummary } from '../erp/connector.js';
import { ErpError } from '../erp/connector.js';
import type { ErpRegistry } from '../erp/registry.js';
import { DomainError } from '../errors.js';
import type { AccountSettingsStore } from '../settings/account-settings.js';
import { createCustomerCreator } from './create.js';
import { draftOf } from './draft.js';

export type CardEntity = 'contacts' | 'companies';

interface FieldValues {
  field_id: number;
  field_code?: string | null;
  field_name?: string | null;
  values?: { value?: unknown }[] | null;
}

/** Identifiers a card carries that an ERP can search by. */
export function identifiersOf(
  fields: readonly FieldValues[] | null | undefined,
  innFieldId: number | null,
): Record<LookupKey, string[]> {
  const values = (pred: (f: FieldValues) => boolean) =>
    (fields ?? [])
      .filter(pred)
      .flatMap((f) => (f.values ?? []).map((v) => String(v.value ?? '').trim()))
      .filter(Boolean);
  return {
    inn: values((f) =>
      innFieldId
        ? f.field_id === innFieldId
        : f.field_code === 'INN' || /^(инн|inn)$/i.test(f.field_name ?? ''),
    ).filter((v) => /^\d{10}(\d{2})?$/.test(v)),
    phone: values((f) => f.field_code === 'PHONE'),
    email: values((f) => f.field_code === 'EMAIL'),
  };
}

/** The first company of an amoCRM contact (`_embedded.companies`, returned by GET /contacts/{id}). */
function companyOf(contact: object): number | null {
  const companies = (
    (contact as { _embedded?: unknown })._embedded as { companies?: { id?: unknown }[] } | undefined
  )?.companies;
  const id = companies?.[0]?.id;
  return typeof id === 'number' && Number.isInteger(id) && id > 0 ? id : null;
}

const view = (s: CustomerSummary): CustomerSummaryView => ({
  customer: s.customer,
  balance: s.balance,
  recentOrders: s.recentOrders,
  recentInvoices: s.recentInvoices,
  link: s.link,
  ...(s.unavailable?.length && {
    sections: Object.fromEntries(s.unavailable.map((part) => [part, 'unavailable' as const])),
  }),
});

const erpDown = (err: unknown) =>
  err instanceof ErpError && err.code === 'not_found'
    ? new DomainError('erp.customer_not_found', 'The ERP has no such customer.', {
        title: 'Customer not found',
      })
    : new DomainError('erp.unavailable', (err as Error).message, { title: 'The ERP is unavailable' });

/** The customer's ERP standing for contact and company cards, and the customer an invoice is for. */
export function createCustomerService(deps: {
  db: Db;
  access: Pick<AmoAccess, 'clientFor'>;
  erp: Pick<ErpRegistry, 'forAccount'>;
  settings: AccountSettingsStore;
}) {
  async function remembered(accountId: number, entity: CardEntity, id: number) {
    const [row] = await deps.db
      .select()
      .from(customerLinks)
      .where(
        and(
          eq(customerLinks.accountId, accountId),
          eq(customerLinks.entityType, entity),
          eq(customerLinks.entityId, id),
        ),
      );
    return row?.customerId;
  }

  async function summaryPanel(
    inst: Installation,
    customerId: string,
    matchedBy: LookupKey | null,
  ): Promise<Extract<CustomerPanel, { status: 'found' }>> {
    const erp = await deps.erp.forAccount(inst.accountId);
    try {
      const s = await erp.getCustomerSummary(customerId);
      return {
        status: 'found',
        matchedBy,
        summary: view(s.value),
        asOf: s.asOf.toISOString(),
        stale: s.stale,
      };
    } catch (err) {
      throw erpDown(err);
    }
  }

  async function panel(inst: Installation, entity: CardEntity, id: number): Promise<CustomerPanel> {
    const chosen = await remembered(inst.accountId, entity, id);
    if (chosen) return { ...(await summaryPanel(inst, chosen, null)), chosen: true };

    const amo = deps.access.clientFor(inst);
    const card = entity === 'contacts' ? await amo.getContact(id) : await amo.getCompany(id);
    if (!card)
      throw new DomainError(
        'request.not_found',
        `amoCRM has no ${entity === 'contacts' ? 'contact' : 'company'} ${id}.`,
        { title: 'Card not found' },
      );
    const { fields } = await deps.settings.get(inst.accountId);
    const ids = identifiersOf(card.custom_fields_values, fields.innFieldId);
    const erp = await deps.erp.forAccount(inst.accountId);
    const searched: { key: LookupKey; value: string }[] = [];
    for (const key of fields.customerLookupOrder) {
      for (const value of ids[key]) {
        searched.push({ key, value });
        let found: Awaited<ReturnType<typeof erp.findCustomers>>;
        try {
          found = await erp.findCustomers({ [key]: value });
        } catch (err) {
          throw erpDown(err);
        }
        if (found.value.length === 1 && found.value[0]) return summaryPanel(inst, found.value[0].id, key);
        if (found.value.length > 1) return { status: 'several', matchedBy: key, candidates: found.value };
      }
    }
    if (entity === 'contacts') {
      const viaCompany = await companyFallback(inst, card, searched);
      if (viaCompany) return viaCompany;
    }
    return { status: 'not_found', searched, draft: draftOf(card.name, ids) };
  }

  /** A contact nobody matched uses its company's customer, when the company resolves to exactly one. */
  async function companyFallback(
    inst: Installation,
    contact: object,
    searched: { key: LookupKey; value: string }[],
  ): Promise<CustomerPanel | null> {
    const company = companyOf(contact);
    if (!company) return null;
    const p = await panel(inst, 'companies', company).catch(() => null);
    if (p?.status !== 'found') return null;
    const card = await deps.access
      .clientFor(inst)
      .getCompany(company)
      .catch(() => null);
    return {
      ...p,
      chosen: false,
      via: { entity: 'companies', id: company, name: card?.name ?? p.summary.customer.name },
      searched,
    };
  }

  const service = {
    panel,

    async choose(
      inst: Installation,
      entity: CardEntity,
      id: number,
      customerId: string,
    ): Promise<CustomerPanel> {
      const result = await summaryPanel(inst, customerId, null);
      await deps.db
        .insert(customerLinks)
        .values({ accountId: inst.accountId, entityType: entity, entityId: id, customerId })
        .onConflictDoUpdate({
          target: [customerLinks.accountId, customerLinks.entityType, customerLinks.entityId],
          set: { customerId, updatedAt: new Date() },
        });
      return result;
    },

    /** The ERP customer of a deal: its company first, then its main contact; null when not clear. */
    async customerForLead(inst: Installation, lead: Lead): Promise<string | null> {
      const cards: [CardEntity, number][] = [
        ...(lead._embedded?.companies ?? []).map((c): [CardEntity, number] => ['companies', c.id]),
        ...[...(lead._embedded?.contacts ?? [])]
          .sort((a, b) => Number(b.is_main ?? false) - Number(a.is_main ?? false))
          .map((c): [CardEntity, number] => ['contacts', c.id]),
      ];
      for (const [entity, id] of cards) {
        const p = await panel(inst, entity, id).catch(() => null);
        if (p?.status === 'found') return p.summary.customer.id;
      }
      return null;
    },
  };
  return { ...service, ...createCustomerCreator({ ...deps, choose: service.choose }) };
}

export type CustomerService = ReturnType<typeof createCustomerService>;
