import type { CustomerRef } from '@erp-bridge/shared';
import { and, eq } from 'drizzle-orm';
import type { Installation } from '../amocrm/installations.js';
import type { Db } from '../db/open.js';
import { customerLinks } from '../db/schema.js';
import { ErpError } from '../erp/connector.js';
import type { ErpRegistry } from '../erp/registry.js';
import { DomainError } from '../errors.js';
import type { CardEntity } from './service.js';

const INN = /^\d{10}(\d{2})?$/;

/**
 * What a manager does when the card matched nobody: search the ERP by INN (every connector) or by
 * name (where the connector can), and undo a pick ("not this customer").
 */
export function createCustomerSearch(deps: { db: Db; erp: Pick<ErpRegistry, 'forAccount'> }) {
  return {
    /** Whether this account's ERP can be searched by name (INN search always works). */
    async canSearchByName(accountId: number): Promise<boolean> {
      const erp = await deps.erp.forAccount(accountId);
      return typeof erp.inner.searchCustomers === 'function';
    },

    async search(inst: Installation, q: string): Promise<CustomerRef[]> {
      const erp = await deps.erp.forAccount(inst.accountId);
      const text = q.trim();
      try {
        if (INN.test(text)) return (await erp.findCustomers({ inn: text })).value;
        if (!erp.inner.searchCustomers)
          throw new DomainError('erp.not_supported', 'This ERP can be searched by INN only.', {
            title: 'Search by name not supported',
          });
        return await erp.inner.searchCustomers(text);
      } catch (err) {
        if (err instanceof DomainError) throw err;
        const timeout = err instanceof ErpError && err.code === 'timeout';
        throw new DomainError(timeout ? 'erp.timeout' : 'erp.unavailable', (err as Error).message, {
          title: 'The ERP is unavailable',
        });
      }
    },

    /** Forgets the customer a person picked for the card; the next summary searches again. */
    async unlink(inst: Installation, entity: CardEntity, id: number): Promise<void> {
      await deps.db
        .delete(customerLinks)
        .where(
          and(
            eq(customerLinks.accountId, inst.accountId),
            eq(customerLinks.entityType, entity),
            eq(customerLinks.entityId, id),
          ),
        );
    },
  };
}

export type CustomerSearch = ReturnType<typeof createCustomerSearch>;
