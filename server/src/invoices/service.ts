import { createHash, randomUUID } from 'node:crypto';
import type {
  InvoiceList,
  InvoicePositionView,
  InvoiceRequest,
  InvoiceRequestInput,
  InvoiceSkippedLine,
  Money,
  StockLine,
} from '@erp-bridge/shared';
import { and, desc, eq } from 'drizzle-orm';
import type { AmoAccess } from '../amocrm/access.js';
import type { AmoClient } from '../amocrm/client.js';
import type { WidgetAuth } from '../amocrm/disposable-token/index.js';
import type { Installation } from '../amocrm/installations.js';
import type { LeadReader, LeadWithLines } from '../amocrm/lead-products.js';
import type { CustomerService } from '../customers/service.js';
import type { Db } from '../db/open.js';
import { invoiceRequests } from '../db/schema.js';
import { ErpError } from '../erp/connector.js';
import type { ErpRegistry } from '../erp/registry.js';
import { DomainError } from '../errors.js';
import type { JobMeta, JobQueue } from '../jobs/queue.js';
import type { Logger } from '../log.js';
import type { AccountSettingsStore } from '../settings/account-settings.js';
import { availabilityOf, skusOf } from '../stock/lead-stock.js';

export const INVOICE_JOB = 'invoice.create';
/** Attempts after the first before a request is failed, a task created and the job dead-lettered. */
export const INVOICE_RETRIES = 4;

type Row = typeof invoiceRequests.$inferSelect;
const round2 = (n: number) => Math.round(n * 100) / 100;

function toView(row: Row): InvoiceRequest {
  return {
    id: row.id,
    leadId: row.leadId,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    attempts: row.attempts,
    positions: JSON.parse(row.positions) as InvoicePositionView[],
    total: { amount: row.total, currency: row.currency },
    invoice:
      row.erpInvoiceId && row.number
        ? {
            id: row.erpInvoiceId,
            number: row.number,
            sum: { amount: row.sum ?? row.total, currency: row.currency },
            link: row.link,
          }
        : null,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
  };
}

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

/**
 * Invoice requests from the deal card: exactly one per idempotency key (a double click sends the
 * same key twice), created by a durable job that re-checks stock and asks the ERP with a key of
 * its own (lead + positions), so a retry after a lost answer finds the first invoice.
 */
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
 * Which deal lines the ERP invoice holds. A line needs an ERP item (an SKU: a product or an ERP
 * service, invoiced with its price like a product) and a price. A service with no SKU has no ERP
 * counterpart, so it cannot be placed in the invoice: it is listed as skipped, never a block, and
 * left out of the total the user confirms (which must equal the invoice the ERP will hold).
 */
export function invoiceLines(lines: readonly StockLine[]): {
  positions: InvoicePositionView[];
  skipped: InvoiceSkippedLine[];
} {
  const positions: InvoicePositionView[] = [];
  const skipped: InvoiceSkippedLine[] = [];
  for (const l of lines) {
    if (!(l.requested > 0)) continue;
    if (l.sku && l.price) {
      const total = { amount: round2(l.price.amount * l.requested), currency: l.price.currency };
      positions.push({ sku: l.sku, name: l.name, quantity: l.requested, price: l.price, total });
    } else {
      const reason = l.sku ? 'no_price' : 'no_erp_item';
      skipped.push({ name: l.name, sku: l.sku, quantity: l.requested, price: l.price, reason });
    }
  }
  return { positions, skipped };
}

/** Why the deal may not be invoiced now, most fundamental first; null = it may. */
export function invoiceBlockReason(input: {
  allowed: boolean;
  erpDown: boolean;
  preview: { positions: unknown[]; status: string } | null;
  items: readonly { status: string }[];
}): InvoiceList['blockedBy'] {
  const { allowed, erpDown, preview: p, items } = input;
  if (!allowed) return 'no_permission';
  // Without the ERP nothing is known about the products: never say "the deal has no products".
  if (erpDown || !p) return 'erp_unavailable';
  if (p.positions.length === 0) return 'no_products';
  if (p.status === 'short') return 'stock_short';
  if (p.status === 'unknown') return 'stock_unknown';
  if (items.some((r) => r.status === 'pending')) return 'pending';
  return null;
}

export function createInvoiceService(deps: InvoiceServiceDeps) {
  async function mayRequest(inst: Installation, auth: WidgetAuth): Promise<boolean> {
    const { invoices } = await deps.settings.get(inst.accountId);
    if (invoices.allowedUserIds.length === 0 && invoices.allowedGroupIds.length === 0) return true;
    if (invoices.allowedUserIds.includes(auth.userId)) return true;
    if (invoices.allowedGroupIds.length === 0) return false;
    const user = await deps.access
      .clientFor(inst)
      .getUser(auth.userId)
      .catch(() => null);
    return invoices.allowedGroupIds.includes(user?.rights?.group_id ?? -1);
  }

  /** The deal's positions priced, and whether its stock covers them. */
  async function preview(inst: Installation, deal: LeadWithLines) {
    const erp = await deps.erp.forAccount(inst.accountId);
    const stock = await erp.getStock(skusOf(deal.lines));
    const { warehouseIds } = (await deps.settings.get(inst.accountId)).guard;
    const availability = availabilityOf(deal.lines, stock.value, warehouseIds ?? undefined);
    const { positions, skipped } = invoiceLines(availability.lines);
    const currency = positions[0]?.price.currency ?? 'RUB';
    const total: Money = { amount: round2(positions.reduce((s, p) => s + p.total.amount, 0)), currency };
    return { positions, skipped, total, status: availability.status, stale: stock.stale };
  }

  async function rows(accountId: number, leadId: number) {
    return deps.db
      .select()
      .from(invoiceRequests)
      .where(and(eq(invoiceRequests.accountId, accountId), eq(invoiceRequests.leadId, leadId)))
      .orderBy(desc(invoiceRequests.createdAt))
      .limit(20);
  }

  async function readDeal(inst: Installation, leadId: number) {
    const deal = await deps.leadReaderFor(inst).read(leadId);
    if (!deal)
      throw new DomainError('amocrm.lead_not_found', `amoCRM has no deal with id ${leadId}.`, {
        title: 'Deal not found',
      });
    return deal;
  }

  async function fail(row: Row, code: string, message: string) {
    await deps.db
      .update(invoiceRequests)
      .set({ status: 'failed', errorCode: code, errorMessage: message, updatedAt: new Date() })
      .where(eq(invoiceRequests.id, row.id));
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

  return {
    async list(inst: Installation, auth: WidgetAuth, leadId: number): Promise<InvoiceList> {
      const [deal, items, allowed] = await Promise.all([
        readDeal(inst, leadId),
        rows(inst.accountId, leadId),
        mayRequest(inst, auth),
      ]);
      let p: Awaited<ReturnType<typeof preview>> | null = null;
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
      const [existing] = await deps.db
        .select()
        .from(invoiceRequests)
        .where(and(eq(invoiceRequests.accountId, inst.accountId), eq(invoiceRequests.idempotencyKey, key)));
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
      if (
        input.confirmedTotal &&
        (input.confirmedTotal.amount !== p.total.amount || input.confirmedTotal.currency !== p.total.currency)
      ) {
        throw new DomainError(
          'invoice.deal_changed',
          'The positions changed since you confirmed them; please check again.',
          { title: 'The deal changed' },
        );
      }
      const customerId = input.customerId ?? (await deps.customers.customerForLead(inst, deal.lead));
      if (!customerId) {
        throw new DomainError(
          'invoice.no_customer',
          "The deal's contact or company was not found in the ERP; pick the customer in its card.",
          { title: 'No customer' },
        );
      }

      const id = randomUUID();
      const inserted = await deps.db
        .insert(invoiceRequests)
        .values({
          id,
          accountId: inst.accountId,
          leadId,
          idempotencyKey: key,
          requestHash,
          positions: JSON.stringify(p.positions),
          total: p.total.amount,
          currency: p.total.currency,
          customerId,
          requestedBy: auth.userId,
        })
        .onConflictDoNothing()
        .returning();
      const row =
        inserted[0] ??
        (
          await deps.db
            .select()
            .from(invoiceRequests)
            .where(
              and(eq(invoiceRequests.accountId, inst.accountId), eq(invoiceRequests.idempotencyKey, key)),
            )
        )[0];
      if (!row) throw new Error('invoice request neither stored nor found');
      if (inserted[0]) await deps.queue.send(INVOICE_JOB, { requestId: row.id }, { key: row.id });
      return { created: Boolean(inserted[0]), request: toView(row) };
    },

    /** The durable job: re-check, create in the ERP (idempotent), write back, settle. */
    async process(requestId: string, meta: JobMeta): Promise<void> {
      const [row] = await deps.db.select().from(invoiceRequests).where(eq(invoiceRequests.id, requestId));
      if (row?.status !== 'pending') return;
      await deps.db
        .update(invoiceRequests)
        .set({ attempts: row.attempts + 1, updatedAt: new Date() })
        .where(eq(invoiceRequests.id, row.id));
      const inst = await deps.installations.findActive(row.accountId);
      if (!inst) return fail(row, 'installation_disabled', 'the integration is disabled');
      try {
        const deal = await readDeal(inst, row.leadId);
        const p = await preview(inst, deal);
        if (p.stale) throw new ErpError('unavailable', 'the ERP is down');
        if (p.status !== 'ok') return fail(row, 'stock_short', 'stock is no longer sufficient');
        const positions = JSON.parse(row.positions) as InvoicePositionView[];
        const erp = await deps.erp.forAccount(row.accountId);
        const invoice = await erp.createInvoice({
          idempotencyKey: `erpb-${row.accountId}-${row.leadId}-${createHash('sha256').update(row.positions).digest('hex').slice(0, 20)}`,
          customerId: row.customerId,
          positions: positions.map((x) => ({ sku: x.sku, quantity: x.quantity, price: x.price })),
          comment: `amoCRM #${row.leadId}`,
        });
        await deps.db
          .update(invoiceRequests)
          .set({
            erpInvoiceId: invoice.id,
            number: invoice.number,
            sum: invoice.sum.amount,
            link: invoice.link,
            updatedAt: new Date(),
          })
          .where(eq(invoiceRequests.id, row.id));
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
          await deps.db
            .update(invoiceRequests)
            .set({ noteWritten: true })
            .where(eq(invoiceRequests.id, row.id));
        }
        const { invoices } = await deps.settings.get(row.accountId);
        if (invoices.addToInvoicesCatalog) await addToInvoicesCatalog(amo, row.leadId, invoice.number);
        if (invoices.numberFieldId)
          await amo.patchLead(row.leadId, {
            custom_fields_values: [{ field_id: invoices.numberFieldId, values: [{ value: invoice.number }] }],
          });
        await deps.db
          .update(invoiceRequests)
          .set({ status: 'created', errorCode: null, errorMessage: null, updatedAt: new Date() })
          .where(eq(invoiceRequests.id, row.id));
        deps.log.info(
          { accountId: row.accountId, leadId: row.leadId, number: invoice.number },
          'invoice created',
        );
      } catch (err) {
        const retryable = !(err instanceof ErpError) || err.retryable;
        const message = err instanceof Error ? err.message : String(err);
        if (!retryable || meta.retryCount >= INVOICE_RETRIES) {
          await fail(row, err instanceof ErpError ? err.code : 'error', message);
          if (!retryable) return;
        } else {
          await deps.db
            .update(invoiceRequests)
            .set({ errorCode: 'retrying', errorMessage: message, updatedAt: new Date() })
            .where(eq(invoiceRequests.id, row.id));
        }
        throw err;
      }
    },
  };
}

export type InvoiceService = ReturnType<typeof createInvoiceService>;
