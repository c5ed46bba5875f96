import { createHash, randomUUID } from 'node:crypto';
import type { InvoiceList, InvoiceRequest, InvoiceRequestInput } from '@erp-bridge/shared';
import type { AmoAccess } from '../amocrm/access.js';
import type { WidgetAuth } from '../amocrm/disposable-token/index.js';
import type { Installation } from '../amocrm/installations.js';
import type { LeadReader } from '../amocrm/lead-products.js';
import type { CustomerService } from '../customers/service.js';
import type { Db } from '../db/open.js';
import type { ErpRegistry } from '../erp/registry.js';
import { DomainError } from '../errors.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Logger } from '../log.js';
import type { AccountSettingsStore } from '../settings/account-settings.js';
import { INVOICE_JOB, invoiceJob } from './job.js';
import { invoicePermission } from './permissions.js';
import { type InvoicePreview, invoiceBlockReason, invoicePreview } from './preview.js';
import { invoiceStore, toView } from './storage.js';

export interface InvoiceServiceDeps {
  db: Db;
  access: Pick<AmoAccess, 'clientFor'>;
  leadReaderFor(inst: Installation): LeadReader;
  erp: Pick<ErpRegistry, 'forAccount'>;
  settings: AccountSettingsStore;
  customers: Pick<CustomerService, 'customerForLead'>;
  queue: Pick<JobQueue, 'send'>;
  installations: { findActive(accountId: number): Promise<Installation | undefined> };
  log: Logger;
}

/** Refuses a request the deal cannot have now, with the code the widget words. */
function checkRequestable(p: InvoicePreview, input: InvoiceRequestInput): void {
  if (p.positions.length === 0)
    throw new DomainError('invoice.no_products', 'The deal has no products with a SKU and a price.', {
      title: 'Nothing to invoice',
    });
  if (p.status === 'unknown')
    throw new DomainError('invoice.stock_unknown', 'The stock of some products of the deal is unknown.', {
      title: 'Stock unknown',
    });
  if (p.status !== 'ok')
    throw new DomainError('invoice.stock_short', 'Some products of the deal are short.', {
      title: 'Not enough stock',
    });
  const confirmed = input.confirmedTotal;
  if (confirmed && (confirmed.amount !== p.total.amount || confirmed.currency !== p.total.currency))
    throw new DomainError(
      'invoice.deal_changed',
      'The positions changed since you confirmed them; please check again.',
      { title: 'The deal changed' },
    );
}

/**
 * Invoice requests from the deal card: exactly one per idempotency key (a double click sends the
 * same key twice), created by the durable job in job.ts. Preview and block reasons: preview.ts;
 * who may request: permissions.ts; the table: storage.ts.
 */
export function createInvoiceService(deps: InvoiceServiceDeps) {
  const store = invoiceStore(deps.db);
  const mayRequest = invoicePermission(deps);
  const preview = invoicePreview(deps);

  async function readDeal(inst: Installation, leadId: number) {
    const deal = await deps.leadReaderFor(inst).read(leadId);
    if (!deal)
      throw new DomainError('amocrm.lead_not_found', `amoCRM has no deal with id ${leadId}.`, {
        title: 'Deal not found',
      });
    return deal;
  }

  return {
    async list(inst: Installation, auth: WidgetAuth, leadId: number): Promise<InvoiceList> {
      const [deal, items, allowed] = await Promise.all([
        readDeal(inst, leadId),
        store.forLead(inst.accountId, leadId),
        mayRequest(inst, auth),
      ]);
      let p: InvoicePreview | null = null;
      let erpDown = false;
      try {
        p = await preview(inst, deal);
      } catch {
        erpDown = true;
      }
      const blockedBy = invoiceBlockReason({ allowed, erpDown, preview: p, items });
      return {
        items: items.map(toView),
        canRequest: blockedBy === null,
        blockedBy,
        preview: p?.positions.length
          ? { positions: p.positions, total: p.total, ...(p.skipped.length && { skipped: p.skipped }) }
          : null,
        stale: p?.stale ?? false,
      };
    },

    async request(
      inst: Installation,
      auth: WidgetAuth,
      leadId: number,
      key: string,
      input: InvoiceRequestInput,
    ): Promise<{ created: boolean; request: InvoiceRequest }> {
      const requestHash = createHash('sha256').update(JSON.stringify({ leadId, input })).digest('hex');
      const existing = await store.byKey(inst.accountId, key);
      if (existing) {
        if (existing.requestHash !== requestHash) {
          throw new DomainError(
            'idempotency.key_reused',
            'This Idempotency-Key was already used for a different request.',
            { title: 'Idempotency key reused' },
          );
        }
        return { created: false, request: toView(existing) };
      }
      if (!(await mayRequest(inst, auth)))
        throw new DomainError('invoice.not_allowed', 'You may not request invoices.', {
          title: 'Not allowed',
        });

      const deal = await readDeal(inst, leadId);
      const p = await preview(inst, deal).catch((err: unknown) => {
        throw new DomainError('erp.unavailable', (err as Error).message, { title: 'The ERP is unavailable' });
      });
      checkRequestable(p, input);
      const customerId = input.customerId ?? (await deps.customers.customerForLead(inst, deal.lead));
      if (!customerId) {
        throw new DomainError(
          'invoice.no_customer',
          "The deal's contact or company was not found in the ERP; pick the customer in its card.",
          { title: 'No customer' },
        );
      }

      const inserted = await store.insert({
        id: randomUUID(),
        accountId: inst.accountId,
        leadId,
        idempotencyKey: key,
        requestHash,
        positions: JSON.stringify(p.positions),
        total: p.total.amount,
        currency: p.total.currency,
        customerId,
        requestedBy: auth.userId,
      });
      const row = inserted ?? (await store.byKey(inst.accountId, key));
      if (!row) throw new Error('invoice request neither stored nor found');
      if (inserted) await deps.queue.send(INVOICE_JOB, { requestId: row.id }, { key: row.id });
      return { created: Boolean(inserted), request: toView(row) };
    },

    /** The durable job (job.ts). */
    process: invoiceJob({ ...deps, store, readDeal, preview }),
  };
}

export type InvoiceService = ReturnType<typeof createInvoiceService>;
