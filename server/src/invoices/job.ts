import { createHash } from 'node:crypto';
import type { InvoicePositionView } from '@erp-bridge/shared';
import type { AmoClient } from '../amocrm/client.js';
import type { Installation } from '../amocrm/installations.js';
import type { LeadWithLines } from '../amocrm/lead-products.js';
import { ErpError } from '../erp/connector.js';
import type { JobMeta, JobQueue } from '../jobs/queue.js';
import type { InvoicePreview } from './preview.js';
import type { InvoiceServiceDeps } from './service.js';
import type { InvoiceRow, InvoiceStore } from './storage.js';

export const INVOICE_JOB = 'invoice.create';
/** Attempts after the first before a request is failed, a task created and the job dead-lettered. */
export const INVOICE_RETRIES = 4;

export interface InvoiceJobDeps
  extends Pick<
    InvoiceServiceDeps,
    'access' | 'leadReaderFor' | 'erp' | 'settings' | 'installations' | 'log'
  > {
  store: InvoiceStore;
  readDeal(inst: Installation, leadId: number): Promise<LeadWithLines>;
  preview(inst: Installation, deal: LeadWithLines): Promise<InvoicePreview>;
}

/**
 * amoCRM's own invoices list ("Счета/покупки"): an element per invoice, linked to the deal. Found by
 * name first, so a retried job does not add a second one.
 */
async function addToInvoicesCatalog(
  amo: Pick<AmoClient, 'listCatalogs' | 'searchCatalogElements' | 'createCatalogElements' | 'linkLead'>,
  leadId: number,
  number: string,
) {
  const catalog = (await amo.listCatalogs()).find((c) => c.type === 'invoices');
  if (!catalog) return;
  const name = `Счёт № ${number}`;
  const existing = (await amo.searchCatalogElements(catalog.id, name)).find((e) => e.name === name);
  const element = existing ?? (await amo.createCatalogElements(catalog.id, [{ name }]))[0];
  if (!element) throw new Error('amoCRM did not create the invoice element');
  await amo.linkLead(leadId, [
    {
      to_entity_id: element.id,
      to_entity_type: 'catalog_elements',
      metadata: { catalog_id: catalog.id, quantity: 1 },
    },
  ]);
}

/**
 * The durable `invoice.create` job: re-check stock, create in the ERP with a key of its own (lead +
 * positions, so a retry after a lost answer finds the first invoice), write back to amoCRM, settle.
 * A request that cannot be created is failed with a task for the deal's responsible user.
 */
export function invoiceJob(deps: InvoiceJobDeps) {
  const { store } = deps;

  async function fail(row: InvoiceRow, code: string, message: string) {
    await store.update(row.id, {
      status: 'failed',
      errorCode: code,
      errorMessage: message,
      updatedAt: new Date(),
    });
    const inst = await deps.installations.findActive(row.accountId);
    if (!inst) return;
    const lead = await deps
      .leadReaderFor(inst)
      .read(row.leadId)
      .catch(() => null);
    await deps.access
      .clientFor(inst)
      .addTasks([
        {
          text: `erp-bridge: счёт не создан (${message}). Invoice was not created.`,
          complete_till: Math.floor(Date.now() / 1000) + 4 * 3600,
          entity_id: row.leadId,
          entity_type: 'leads',
          ...(lead?.lead.responsible_user_id && { responsible_user_id: lead.lead.responsible_user_id }),
        },
      ])
      .catch((err: unknown) =>
        deps.log.warn({ err, requestId: row.id }, 'could not create the failure task'),
      );
  }

  /** Creates the invoice and writes it back: each step records that it is done, so a rerun skips it. */
  async function create(inst: Installation, row: InvoiceRow) {
    const positions = JSON.parse(row.positions) as InvoicePositionView[];
    const erp = await deps.erp.forAccount(row.accountId);
    const invoice = await erp.createInvoice({
      idempotencyKey: `erpb-${row.accountId}-${row.leadId}-${createHash('sha256').update(row.positions).digest('hex').slice(0, 20)}`,
      customerId: row.customerId,
      positions: positions.map((x) => ({ sku: x.sku, quantity: x.quantity, price: x.price })),
      comment: `amoCRM #${row.leadId}`,
    });
    await store.update(row.id, {
      erpInvoiceId: invoice.id,
      number: invoice.number,
      sum: invoice.sum.amount,
      link: invoice.link,
      updatedAt: new Date(),
    });
    const amo = deps.access.clientFor(inst);
    if (!row.noteWritten) {
      const sum = new Intl.NumberFormat('ru-RU', {
        style: 'currency',
        currency: invoice.sum.currency,
      }).format(invoice.sum.amount);
      await amo.addLeadNotes([
        {
          entity_id: row.leadId,
          note_type: 'common',
          params: {
            text: `🧾 erp-bridge: счёт № ${invoice.number} на ${sum}${invoice.link ? `\n${invoice.link}` : ''}`,
          },
        },
      ]);
      await store.update(row.id, { noteWritten: true });
    }
    const { invoices } = await deps.settings.get(row.accountId);
    if (invoices.addToInvoicesCatalog) await addToInvoicesCatalog(amo, row.leadId, invoice.number);
    if (invoices.numberFieldId)
      await amo.patchLead(row.leadId, {
        custom_fields_values: [{ field_id: invoices.numberFieldId, values: [{ value: invoice.number }] }],
      });
    await store.update(row.id, {
      status: 'created',
      errorCode: null,
      errorMessage: null,
      updatedAt: new Date(),
    });
    deps.log.info(
      { accountId: row.accountId, leadId: row.leadId, number: invoice.number },
      'invoice created',
    );
  }

  return async function process(requestId: string, meta: JobMeta): Promise<void> {
    const row = await store.byId(requestId);
    if (row?.status !== 'pending') return;
    await store.update(row.id, { attempts: row.attempts + 1, updatedAt: new Date() });
    const inst = await deps.installations.findActive(row.accountId);
    if (!inst) return fail(row, 'installation_disabled', 'the integration is disabled');
    try {
      const p = await deps.preview(inst, await deps.readDeal(inst, row.leadId));
      if (p.stale) throw new ErpError('unavailable', 'the ERP is down');
      if (p.status !== 'ok') return fail(row, 'stock_short', 'stock is no longer sufficient');
      await create(inst, row);
    } catch (err) {
      const retryable = !(err instanceof ErpError) || err.retryable;
      const message = err instanceof Error ? err.message : String(err);
      if (!retryable || meta.retryCount >= INVOICE_RETRIES) {
        await fail(row, err instanceof ErpError ? err.code : 'error', message);
        if (!retryable) return;
      } else {
        await store.update(row.id, { errorCode: 'retrying', errorMessage: message, updatedAt: new Date() });
      }
      throw err;
    }
  };
}

/** The invoice capability's queue: retried with backoff, then failed with a task (see `fail`). */
export async function defineInvoiceJob(
  queue: Pick<JobQueue, 'define'>,
  invoices: { process(requestId: string, meta: JobMeta): Promise<void> },
) {
  await queue.define<{ requestId: string }>({
    name: INVOICE_JOB,
    retryLimit: INVOICE_RETRIES,
    retryDelaySeconds: 2,
    retryDelayMaxSeconds: 120,
    handler: ({ requestId }, meta) => invoices.process(requestId, meta),
  });
}
