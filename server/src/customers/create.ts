import type { CustomerPanel } from '@erp-bridge/shared';
import type { AmoAccess } from '../amocrm/access.js';
import type { Installation } from '../amocrm/installations.js';
import type { NewCustomer } from '../erp/connector.js';
import { ErpError } from '../erp/connector.js';
import type { ErpRegistry } from '../erp/registry.js';
import { DomainError } from '../errors.js';
import type { AccountSettingsStore } from '../settings/account-settings.js';
import { draftOf } from './draft.js';
import { type CardEntity, identifiersOf } from './service.js';

/** A company is a legal entity (12-digit INN: a sole trader); a contact is a person. */
const companyTypeOf = (entity: CardEntity, inn: string | null): NewCustomer['companyType'] =>
  entity === 'contacts' ? 'individual' : inn?.length === 12 ? 'entrepreneur' : 'legal';

/**
 * Creates the ERP customer of a card nobody matched, from the card as amoCRM has it (never from
 * what the widget sends), and remembers it for the card. The external key names the account and
 * the card, so a retry finds the customer the first attempt created (the connector looks it up,
 * and the INN, before creating); concurrent clicks in this process share one creation.
 */
export function createCustomerCreator(deps: {
  access: Pick<AmoAccess, 'clientFor'>;
  erp: Pick<ErpRegistry, 'forAccount'>;
  settings: Pick<AccountSettingsStore, 'get'>;
  choose(inst: Installation, entity: CardEntity, id: number, customerId: string): Promise<CustomerPanel>;
}) {
  const inFlight = new Map<string, Promise<CustomerPanel>>();

  async function canCreate(accountId: number): Promise<boolean> {
    const erp = await deps.erp.forAccount(accountId);
    return typeof erp.inner.createCustomer === 'function';
  }

  async function createOnce(inst: Installation, entity: CardEntity, id: number): Promise<CustomerPanel> {
    const erp = await deps.erp.forAccount(inst.accountId);
    const create = erp.inner.createCustomer?.bind(erp.inner);
    if (!create)
      throw new DomainError('erp.not_supported', 'This ERP cannot create customers from the CRM.', {
        title: 'Creating customers not supported',
      });
    const amo = deps.access.clientFor(inst);
    const card = entity === 'contacts' ? await amo.getContact(id) : await amo.getCompany(id);
    if (!card)
      throw new DomainError('request.not_found', `amoCRM has no such card ${id}.`, {
        title: 'Card not found',
      });
    const { fields } = await deps.settings.get(inst.accountId);
    const draft = draftOf(card.name, identifiersOf(card.custom_fields_values, fields.innFieldId));
    if (!draft.name)
      throw new DomainError('customer.name_required', 'The card has no name to give the ERP customer.', {
        title: 'The card has no name',
      });
    let customerId: string;
    try {
      customerId = (
        await create({
          ...draft,
          companyType: companyTypeOf(entity, draft.inn),
          externalKey: `amocrm-${inst.accountId}-${entity}-${id}`,
        })
      ).id;
    } catch (err) {
      if (err instanceof ErpError && (err.code === 'validation' || err.code === 'conflict'))
        throw new DomainError('erp.customer_rejected', err.message, {
          title: 'The ERP refused the customer',
        });
      if (err instanceof ErpError && err.code === 'auth')
        throw new DomainError('erp.auth_failed', err.message, { title: 'The ERP refused access' });
      const timeout = err instanceof ErpError && err.code === 'timeout';
      throw new DomainError(timeout ? 'erp.timeout' : 'erp.unavailable', (err as Error).message, {
        title: 'The ERP is unavailable',
      });
    }
    // Remembered as a pick, so "not this customer" can undo it like any other.
    const panel = await deps.choose(inst, entity, id, customerId);
    return panel.status === 'found' ? { ...panel, chosen: true } : panel;
  }

  return {
    canCreate,
    create(inst: Installation, entity: CardEntity, id: number): Promise<CustomerPanel> {
      const key = `${inst.accountId}:${entity}:${id}`;
      const running = inFlight.get(key);
      if (running) return running;
      const p = createOnce(inst, entity, id).finally(() => inFlight.delete(key));
      inFlight.set(key, p);
      return p;
    },
  };
}

export type CustomerCreator = ReturnType<typeof createCustomerCreator>;
