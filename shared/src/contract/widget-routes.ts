import { z } from 'zod';
import { AccountFields, AccountPipelines, AccountUsers, FieldEntity } from '../account-catalog.js';
import { CustomerChoice, CustomerPanel, CustomerSearchQuery, CustomerSearchResult } from '../customer.js';
import { ErpLoopView } from '../erp-loop.js';
import { GuardHistory, StockCheckResult } from '../guard.js';
import { IDEMPOTENCY_KEY_HEADER, InvoiceList, InvoiceRequest, InvoiceRequestInput } from '../invoices.js';
import { ProblemCode } from '../problem.js';
import {
  ConnectionTestInput,
  ConnectionTestResult,
  GuardSetupInput,
  GuardSetupResult,
  SettingsUpdate,
  SettingsView,
} from '../settings.js';
import { LeadIdParam, StockReport } from '../stock.js';
import { defineRoute, ok } from './route.js';

const StockQuery = z.object({
  /** 1: read this deal's stock from the ERP now, not from the short cache (at most once per 10 s per user). */
  refresh: z.enum(['0', '1']).optional(),
});
const IdempotencyKeyHeader = z.object({ [IDEMPOTENCY_KEY_HEADER.toLowerCase()]: z.string().min(8).max(200) });
const CardIdParam = LeadIdParam;
/** Every invoice.* refusal but invoice.exists, which nothing answers (a repeated key answers its first request). */
const invoiceRefusals = ProblemCode.options.filter(
  (code) => code.startsWith('invoice.') && code !== 'invoice.exists',
);

/** The three routes of a contact or a company card (the ERP customer behind it). */
function cardRoutes<const E extends 'contacts' | 'companies'>(entity: E) {
  const card = entity === 'contacts' ? 'contact' : 'company';
  return {
    summary: defineRoute({
      method: 'get',
      path: `/api/v1/${entity}/{id}/summary`,
      summary: `The ERP customer behind a ${card} card: balance, orders, invoices`,
      access: 'user',
      request: { params: CardIdParam },
      responses: ok(CustomerPanel, 'Found, several or not found'),
      errors: ['request.not_found', 'erp.unavailable', 'erp.timeout', 'amocrm.unavailable'],
    }),
    choose: defineRoute({
      method: 'post',
      path: `/api/v1/${entity}/{id}/customer`,
      summary: 'Remember which ERP customer this card is (after several were found)',
      access: 'user',
      request: { params: CardIdParam, body: CustomerChoice },
      responses: ok(CustomerPanel, 'The chosen customer'),
      errors: ['erp.customer_not_found', 'erp.unavailable', 'amocrm.unavailable'],
    }),
    // POST, not DELETE: the widget API's CORS allows GET, POST and PUT only.
    unlink: defineRoute({
      method: 'post',
      path: `/api/v1/${entity}/{id}/customer/unlink`,
      summary: 'Forget the customer picked for this card ("not this customer"); the card is searched again',
      access: 'user',
      // The widget sends `{}`: jQuery posts without a content type otherwise.
      request: { params: CardIdParam, body: z.object({}), bodyOptional: true },
      responses: ok(CustomerPanel, 'The card searched again'),
      errors: ['request.not_found', 'erp.unavailable', 'amocrm.unavailable'],
    }),
    // The card's data is read from amoCRM, never from the body.
    create: defineRoute({
      method: 'post',
      path: `/api/v1/${entity}/{id}/customer/create`,
      summary: `Create the ERP customer of a ${card} card nobody matched (idempotent per card), and remember it`,
      access: 'user',
      request: { params: CardIdParam, body: z.object({}), bodyOptional: true },
      responses: ok(CustomerPanel, 'The created (or already existing) customer, now the card’s'),
      errors: [
        'request.not_found',
        'erp.not_supported',
        'erp.customer_rejected',
        'customer.name_required',
        'erp.unavailable',
        'erp.timeout',
        'amocrm.unavailable',
      ],
    }),
  };
}
const contacts = cardRoutes('contacts');
const companies = cardRoutes('companies');

/**
 * The widget API: one entry per route. To add a route, add an entry here (and its schemas beside
 * the other contracts in shared/src/); the server serves it with `app.openapi(openApiRoute(entry), …)`
 * and the widget's client is typed by it.
 */
export const widgetRoutes = {
  leadStock: defineRoute({
    method: 'get',
    path: '/api/v1/leads/{id}/stock',
    summary: "Free stock per warehouse for every product of a deal, with the deal's availability",
    access: 'user',
    request: { params: LeadIdParam, query: StockQuery },
    responses: ok(StockReport, 'Stock report'),
    errors: ['amocrm.lead_not_found', 'amocrm.unavailable', 'erp.unavailable'],
  }),
  leadStockCheck: defineRoute({
    method: 'post',
    path: '/api/v1/leads/{id}/stock-check',
    summary: 'Check the deal against stock now and enforce the guard ("Check again")',
    access: 'user',
    request: { params: LeadIdParam },
    responses: ok(StockCheckResult, 'The decision taken'),
    errors: ['guard.disabled', 'amocrm.unavailable', 'erp.unavailable'],
  }),
  leadGuard: defineRoute({
    method: 'get',
    path: '/api/v1/leads/{id}/guard',
    summary: "The stock guard's decisions for a deal, newest first",
    access: 'user',
    request: { params: LeadIdParam },
    responses: ok(GuardHistory, 'Decision history'),
    errors: [],
  }),
  leadInvoices: defineRoute({
    method: 'get',
    path: '/api/v1/leads/{id}/invoices',
    summary: "The deal's invoice requests, and whether (and what) the user may request now",
    access: 'user',
    request: { params: LeadIdParam },
    responses: ok(InvoiceList, 'Invoice requests'),
    errors: ['amocrm.lead_not_found', 'amocrm.unavailable'],
  }),
  leadErpLoop: defineRoute({
    method: 'get',
    path: '/api/v1/leads/{id}/erp-loop',
    summary: "The deal's customer order (reserve) and its invoices' states as the ERP last said",
    access: 'user',
    request: { params: LeadIdParam },
    responses: ok(ErpLoopView, 'Order and invoice states'),
    errors: [],
  }),
  requestInvoice: defineRoute({
    method: 'post',
    path: '/api/v1/leads/{id}/invoices',
    summary: 'Request an invoice for the deal (exactly once per Idempotency-Key)',
    access: 'user',
    request: { params: LeadIdParam, headers: IdempotencyKeyHeader, body: InvoiceRequestInput },
    responses: {
      200: { description: 'The request this key already made', schema: InvoiceRequest },
      202: { description: 'Accepted: the invoice is being created', schema: InvoiceRequest },
    },
    errors: [
      ...invoiceRefusals,
      'idempotency.key_reused',
      'amocrm.lead_not_found',
      'amocrm.unavailable',
      'erp.unavailable',
    ],
  }),
  contactSummary: contacts.summary,
  contactCustomer: contacts.choose,
  contactCustomerUnlink: contacts.unlink,
  contactCustomerCreate: contacts.create,
  companySummary: companies.summary,
  companyCustomer: companies.choose,
  companyCustomerUnlink: companies.unlink,
  companyCustomerCreate: companies.create,
  customerSearch: defineRoute({
    method: 'get',
    path: '/api/v1/customers/search',
    summary: 'ERP customers by INN (every ERP) or by name (where the ERP can search by name)',
    access: 'user',
    request: { query: CustomerSearchQuery },
    responses: ok(CustomerSearchResult, 'Matching customers (at most 20)'),
    errors: ['erp.not_supported', 'erp.unavailable', 'erp.timeout'],
  }),
  settings: defineRoute({
    method: 'get',
    path: '/api/v1/settings',
    summary: 'Account settings and health (admins only); secrets show only as set / not set',
    access: 'admin',
    responses: ok(SettingsView, 'Settings'),
    errors: [],
  }),
  saveSettings: defineRoute({
    method: 'put',
    path: '/api/v1/settings',
    summary: 'Change settings (admins only); a secret left out keeps its stored value',
    access: 'admin',
    request: { body: SettingsUpdate },
    responses: ok(SettingsView, 'Saved settings'),
    errors: ['settings.secret_required'],
  }),
  settingsTestConnection: defineRoute({
    method: 'post',
    path: '/api/v1/settings/test-connection',
    summary: 'Try an ERP connection (the form, or the saved one when no body)',
    access: 'admin',
    request: { body: ConnectionTestInput, bodyOptional: true },
    responses: ok(ConnectionTestResult, 'What the ERP said'),
    errors: ['settings.secret_required'],
  }),
  guardSetup: defineRoute({
    method: 'post',
    path: '/api/v1/settings/guard-setup',
    summary:
      'Set up (or lift) the native stage gate: an API-only "stock checked" field required in gated stages',
    access: 'admin',
    request: { body: GuardSetupInput },
    responses: ok(GuardSetupResult, 'The field and how many stages require it'),
    errors: ['settings.gate_stages_required', 'amocrm.unavailable'],
  }),
  accountPipelines: defineRoute({
    method: 'get',
    path: '/api/v1/account/pipelines',
    summary: "The account's pipelines with their stages and colours (admins only; cached)",
    access: 'admin',
    responses: ok(AccountPipelines, 'Pipelines'),
    errors: ['amocrm.unavailable'],
  }),
  accountUsers: defineRoute({
    method: 'get',
    path: '/api/v1/account/users',
    summary: "The account's users and user groups (admins only; cached)",
    access: 'admin',
    responses: ok(AccountUsers, 'Users and groups'),
    errors: ['amocrm.unavailable'],
  }),
  accountFields: defineRoute({
    method: 'get',
    path: '/api/v1/account/fields',
    summary: 'Custom fields of leads, contacts or companies (admins only; cached)',
    access: 'admin',
    request: { query: z.object({ entity: FieldEntity }) },
    responses: ok(AccountFields, 'Custom fields'),
    errors: ['amocrm.unavailable'],
  }),
} as const;

export type WidgetRoutes = typeof widgetRoutes;
export type WidgetRouteName = keyof WidgetRoutes;
