import type { Money, WarehouseStock } from '@erp-bridge/shared';

/** An ERP item found by SKU. */
export interface ErpItem {
  sku: string;
  /** The ERP's own id (MoySklad UUID, 1C Ref_Key, ...). */
  id: string;
  name: string;
  price: Money | null;
  /** A service has no stock: never unknown, never short (MoySklad's `service` entity). */
  kind?: 'product' | 'service';
  /** Unit of measure (шт, м, пар, кг) where the ERP gives it. */
  unit?: string | null;
  /** Where a person opens this item in the ERP's own UI. */
  link?: string | null;
}

/** What an ERP knows about one SKU's stock. A SKU missing from a snapshot is unknown, never zero. */
export interface ErpItemStock {
  sku: string;
  name: string | null;
  price: Money | null;
  warehouses: WarehouseStock[];
  kind?: 'product' | 'service';
  unit?: string | null;
  link?: string | null;
  /** Reserve tied to no warehouse (MoySklad's `storeId: null` row): lowers the total free stock. */
  unassignedReserve?: number | null;
  /** Total on the way, store-less included. */
  inTransit?: number | null;
}

export interface StockSnapshot {
  items: Map<string, ErpItemStock>;
  /** When the ERP produced these figures. */
  asOf: Date;
  /**
   * SKUs the ERP knows but has no figures for yet (MoySklad recalculates stock with a lag): absent
   * from `items` (unknown), and the snapshot should be asked again soon rather than cached long.
   */
  pending?: string[];
}

export interface Warehouse {
  id: string;
  name: string;
}

export interface CustomerQuery {
  inn?: string;
  phone?: string;
  email?: string;
}

export interface Customer {
  id: string;
  name: string;
  inn: string | null;
  phone: string | null;
  email: string | null;
}

/** A customer to create in the ERP from a CRM card (erp/<kind>/create-customer.ts). */
export interface NewCustomer {
  name: string;
  inn: string | null;
  phone: string | null;
  email: string | null;
  /** MoySklad's companyType; other ERPs may ignore it. */
  companyType: 'legal' | 'entrepreneur' | 'individual';
  /**
   * Same key = same customer: a retry after a lost answer finds the one created the first time
   * (MoySklad externalCode, the embedded store's id). Also looked up by INN before creating.
   */
  externalKey: string;
}

export interface ErpDocument {
  id: string;
  number: string;
  /** ISO 8601 with offset. */
  date: string;
  sum: Money;
  status: string | null;
}

export interface CustomerSummary {
  customer: Customer;
  /**
   * Mutual settlement: positive = the customer has paid us more than shipped (credit),
   * negative = the customer owes us (debt). null when the ERP does not expose it.
   */
  balance: Money | null;
  recentOrders: ErpDocument[];
  recentInvoices: ErpDocument[];
  /** Where a person opens this customer in the ERP's own UI. */
  link: string | null;
  /** Parts the ERP failed to give (customer found): shown as unavailable, never as "not found". */
  unavailable?: ('balance' | 'orders' | 'invoices')[];
}

export interface InvoicePosition {
  sku: string;
  quantity: number;
  /** Unit price; the ERP's own price when omitted. */
  price?: Money;
}

export interface CreateInvoiceInput {
  /** Same key = same invoice, however often creation is retried. */
  idempotencyKey: string;
  customerId: string;
  positions: InvoicePosition[];
  comment?: string;
}

export interface CreatedInvoice {
  id: string;
  number: string;
  sum: Money;
  /** ISO 8601 with offset. */
  created: string;
  link: string | null;
}

/** Where an invoice stands in the ERP (issue 15: the ERP talks back). */
export type InvoiceState = 'issued' | 'partially_paid' | 'paid' | 'cancelled';

export interface InvoiceStatus {
  id: string;
  state: InvoiceState;
  sum: Money;
  paidSum: Money;
  /**
   * The ERP's own version of the document (MoySklad `updated`, an ISO time elsewhere): strings that
   * order as the changes happened, so an older read arriving late never overwrites a newer one.
   */
  version: string;
  link: string | null;
}

export interface CreateOrderInput {
  /** Same key = same order: a retry after a lost answer finds the first one (externalCode lookup). */
  idempotencyKey: string;
  customerId: string;
  positions: InvoicePosition[];
  comment?: string;
}

export interface ErpOrder {
  id: string;
  number: string;
  /** Quantity reserved per SKU (0 after a release). */
  reserved: Record<string, number>;
  link: string | null;
}

/** What the ERP should notify, and where: the ERP calls `url` on invoice and payment changes. */
export interface SubscribeInput {
  url: string;
}

/** What incoming payments pay: the invoices they name, and how many links named something else. */
export interface PaymentLinks {
  invoiceIds: string[];
  /** Links (or payments) that did not say which invoice: the caller re-reads the open invoices. */
  unresolved: number;
}

export type ErpKind = 'local' | 'moysklad' | 'onec' | 'rest';

/** Per call: the caller's cancellation (a widget request the browser abandoned). */
export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * One ERP or stock system. Every operation takes the caller's AbortSignal: an abandoned call
 * stops (no request, no retry) instead of running on in the background. Adding an ERP is adding a folder under erp/ that implements this,
 * proven by the one contract test suite in tests/contract.
 */
export interface ErpConnector {
  readonly kind: ErpKind;
  /** ERP items for the SKUs it knows; unknown SKUs are simply absent. */
  resolveSkus(skus: readonly string[], opts?: CallOptions): Promise<Map<string, ErpItem>>;
  /** Free stock per warehouse for every SKU asked about, in as few ERP calls as the ERP allows. */
  getStock(skus: readonly string[], opts?: CallOptions): Promise<StockSnapshot>;
  listWarehouses(opts?: CallOptions): Promise<Warehouse[]>;
  /** Every customer matching any of the given identifiers (several may match). */
  findCustomers(query: CustomerQuery, opts?: CallOptions): Promise<Customer[]>;
  getCustomerSummary(customerId: string, opts?: CallOptions): Promise<CustomerSummary>;
  /** Customers whose name contains `text` (case-insensitive), where the ERP can search by name. */
  searchCustomers?(text: string, opts?: CallOptions): Promise<Customer[]>;
  /** Creates a customer, idempotent by input.externalKey and INN, where the ERP allows it. */
  createCustomer?(input: NewCustomer): Promise<Customer>;
  /** Idempotent by input.idempotencyKey: a retry returns the invoice created the first time. */
  createInvoice(input: CreateInvoiceInput, opts?: CallOptions): Promise<CreatedInvoice>;
  /** Optional capabilities (issue 15); a connector without one simply lacks the feature. */
  /** Current state of invoices this integration created; ids the ERP no longer knows are absent. */
  invoiceStatus?(invoiceIds: readonly string[]): Promise<Map<string, InvoiceStatus>>;
  /** A customer order reserving its positions; idempotent by input.idempotencyKey. */
  createOrder?(input: CreateOrderInput): Promise<ErpOrder>;
  /** Releases the order's reserve (a lost deal); releasing twice is harmless. */
  releaseOrder?(orderId: string): Promise<ErpOrder>;
  /** Registers the ERP's webhooks for invoice and payment changes; idempotent per url. */
  subscribe?(input: SubscribeInput): Promise<void>;
  /** The invoices these incoming payments pay (from a payment webhook), where the ERP links them. */
  paymentInvoices?(paymentIds: readonly string[]): Promise<PaymentLinks>;
  /** `code` says what failed (auth, unavailable, ...); `detail` is for logs, never for answers. */
  health(): Promise<{ ok: boolean; detail?: string; code?: ErpErrorCode }>;
}

export type ErpErrorCode =
  | 'not_found'
  | 'auth'
  | 'forbidden'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'invalid_response'
  | 'validation'
  | 'conflict'
  /** The caller gave up (its AbortSignal fired): not the ERP's fault, never retried. */
  | 'aborted';

/** The error for a call whose caller went away: stops the work, says nothing about the ERP. */
export const abortedError = () => new ErpError('aborted', 'the caller cancelled the request', false);

/** Errors are values a program can act on: `retryable` tells a job whether to try again. */
export class ErpError extends Error {
  constructor(
    readonly code: ErpErrorCode,
    message: string,
    readonly retryable: boolean = code === 'rate_limited' || code === 'unavailable' || code === 'timeout',
    /** Milliseconds the ERP asked us to wait, when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
