/** Paths of the widget API, shared by the server's routes and the widget's client. */
export const widgetApi = {
  leadStock: (leadId: number) => `/api/v1/leads/${leadId}/stock`,
  leadStockCheck: (leadId: number) => `/api/v1/leads/${leadId}/stock-check`,
  leadGuard: (leadId: number) => `/api/v1/leads/${leadId}/guard`,
  leadInvoices: (leadId: number) => `/api/v1/leads/${leadId}/invoices`,
  /** Issue 15: the deal's order / reserve and invoice states (shared/src/erp-loop.ts). */
  leadErpLoop: (leadId: number) => `/api/v1/leads/${leadId}/erp-loop`,
  contactSummary: (contactId: number) => `/api/v1/contacts/${contactId}/summary`,
  contactCustomer: (contactId: number) => `/api/v1/contacts/${contactId}/customer`,
  companySummary: (companyId: number) => `/api/v1/companies/${companyId}/summary`,
  companyCustomer: (companyId: number) => `/api/v1/companies/${companyId}/customer`,
  contactCustomerUnlink: (contactId: number) => `/api/v1/contacts/${contactId}/customer/unlink`,
  companyCustomerUnlink: (companyId: number) => `/api/v1/companies/${companyId}/customer/unlink`,
  customerSearch: (q: string) => `/api/v1/customers/search?q=${encodeURIComponent(q)}`,
  settings: '/api/v1/settings',
  settingsTestConnection: '/api/v1/settings/test-connection',
  guardSetup: '/api/v1/settings/guard-setup',
  accountPipelines: '/api/v1/account/pipelines',
  accountUsers: '/api/v1/account/users',
  accountFields: (entity: 'leads' | 'contacts' | 'companies') => `/api/v1/account/fields?entity=${entity}`,
} as const;

/** Header amoCRM's $authorizedAjax puts the disposable token in. */
export const AUTH_TOKEN_HEADER = 'X-Auth-Token';
