import type {
  AccountFields,
  AccountPipelines,
  AccountUsers,
  ConnectionTestInput,
  ConnectionTestResult,
  CustomerPanel,
  CustomerSearchResult,
  ErpConnectionInput,
  ErpLoopView,
  GuardHistory,
  GuardSetupInput,
  GuardSetupResult,
  InvoiceList,
  InvoiceRequest,
  InvoiceRequestInput,
  Problem,
  SettingsUpdate,
  SettingsView,
  StockCheckResult,
  StockReport,
} from '@erp-bridge/shared';
import { widgetApi } from '@erp-bridge/shared';

/** The part of a jqXHR the client reads on failure. */
export interface JqXhrLike {
  status?: number;
  statusText?: string;
  responseJSON?: unknown;
  responseText?: string;
}

/** jQuery's promise (jqXHR / Deferred): only `then(done, fail)` is relied on. */
export interface JqThenable {
  then(done: (data: unknown) => void, fail: (xhr: JqXhrLike, textStatus?: string) => void): unknown;
}

export interface AjaxOptions {
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  dataType: 'json';
  timeout?: number;
  /**
   * Extra request headers. amoCRM's $authorizedAjax is $.ajax plus X-Auth-Token; that it merges
   * caller headers rather than replacing them is UNCONFIRMED (the sandbox host merges them).
   */
  headers?: Record<string, string>;
  /** The body as JSON text (jQuery would form-encode an object). */
  data?: string;
  contentType?: 'application/json';
}

/** amoCRM's self.$authorizedAjax: $.ajax plus the disposable X-Auth-Token header. */
export type AuthorizedAjax = (options: AjaxOptions) => JqThenable;

export type FailureKind = 'http' | 'network' | 'timeout' | 'invalid-response';

/** Why a call failed, as a value the panel can render. `title`/`detail` come from problem+json. */
export interface ApiFailure {
  kind: FailureKind;
  status: number;
  code?: Problem['code'];
  title?: string;
  detail?: string;
  /** Field-level problems of a 400 (problem+json `errors`). */
  errors?: { path: string; message: string }[];
}

export type CustomerEntity = 'contacts' | 'companies';

export interface WidgetApiClient {
  /** `refresh`: the backend reads the ERP again instead of its short cache ("↻"). */
  leadStock(leadId: number, refresh?: boolean): Promise<StockReport>;
  leadGuard(leadId: number): Promise<GuardHistory>;
  leadStockCheck(leadId: number): Promise<StockCheckResult>;
  leadInvoices(leadId: number): Promise<InvoiceList>;
  /** Issue 15: the deal's order / reserve and its invoices' states in the ERP. */
  leadErpLoop?(leadId: number): Promise<ErpLoopView>;
  requestInvoice(leadId: number, idempotencyKey: string, input: InvoiceRequestInput): Promise<InvoiceRequest>;
  customerSummary(entity: CustomerEntity, id: number): Promise<CustomerPanel>;
  chooseCustomer(entity: CustomerEntity, id: number, customerId: string): Promise<CustomerPanel>;
  /** "Not this customer": forgets the pick; answers the card searched again. */
  unlinkCustomer(entity: CustomerEntity, id: number): Promise<CustomerPanel>;
  searchCustomers(q: string): Promise<CustomerSearchResult>;
  settings(): Promise<SettingsView>;
  saveSettings(update: SettingsUpdate): Promise<SettingsView>;
  testConnection(connection: ErpConnectionInput): Promise<ConnectionTestResult>;
  /** Sets up (enable) or lifts the native stage gate. */
  guardSetup(enable: boolean): Promise<GuardSetupResult>;
  /** What the settings page's pickers offer (admins only). */
  accountPipelines(): Promise<AccountPipelines>;
  accountUsers(): Promise<AccountUsers>;
  accountFields(entity: AccountFields['entity']): Promise<AccountFields>;
}

const TIMEOUT_MS = 15_000;

type Accept<T> = (data: unknown) => data is T;

/** An object carrying every listed key: enough to render without crashing. */
const shaped =
  <T>(...keys: string[]): Accept<T> =>
  (data): data is T =>
    typeof data === 'object' && data !== null && keys.every((k) => k in data);

const settingsView = shaped<SettingsView>('erp', 'guard', 'health');

export function createApiClient(backend: string, ajax: AuthorizedAjax): WidgetApiClient {
  function call<T>(
    method: AjaxOptions['method'],
    path: string,
    accept: Accept<T>,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T> {
    const options: AjaxOptions = { url: backend + path, method, dataType: 'json', timeout: TIMEOUT_MS };
    if (headers) options.headers = headers;
    if (body !== undefined) {
      options.data = JSON.stringify(body);
      options.contentType = 'application/json';
    }
    return new Promise<T>((resolve, reject) => {
      ajax(options).then(
        (data) => {
          if (accept(data)) resolve(data);
          else reject({ kind: 'invalid-response', status: 200 } satisfies ApiFailure);
        },
        (xhr, textStatus) => reject(failureFromXhr(xhr, textStatus)),
      );
    });
  }
  const customerPath = (
    entity: CustomerEntity,
    id: number,
    what: 'Summary' | 'Customer' | 'CustomerUnlink',
  ) => widgetApi[`${entity === 'contacts' ? 'contact' : 'company'}${what}`](id);
  return {
    leadStock: (id, refresh) =>
      call('GET', widgetApi.leadStock(id) + (refresh ? '?refresh=1' : ''), isStockReport),
    leadGuard: (id) => call('GET', widgetApi.leadGuard(id), shaped<GuardHistory>('enabled', 'latest')),
    leadStockCheck: (id) => call('POST', widgetApi.leadStockCheck(id), shaped<StockCheckResult>('record')),
    leadInvoices: (id) => call('GET', widgetApi.leadInvoices(id), shaped<InvoiceList>('items', 'canRequest')),
    leadErpLoop: (id) =>
      call('GET', widgetApi.leadErpLoop(id), shaped<ErpLoopView>('invoices', 'capabilities')),
    requestInvoice: (id, key, input) =>
      call('POST', widgetApi.leadInvoices(id), shaped<InvoiceRequest>('id', 'status'), input, {
        'Idempotency-Key': key,
      }),
    customerSummary: (entity, id) =>
      call('GET', customerPath(entity, id, 'Summary'), shaped<CustomerPanel>('status')),
    chooseCustomer: (entity, id, customerId) =>
      call('POST', customerPath(entity, id, 'Customer'), shaped<CustomerPanel>('status'), { customerId }),
    unlinkCustomer: (entity, id) =>
      call('POST', customerPath(entity, id, 'CustomerUnlink'), shaped<CustomerPanel>('status'), {}),
    searchCustomers: (q) => call('GET', widgetApi.customerSearch(q), shaped<CustomerSearchResult>('items')),
    settings: () => call('GET', widgetApi.settings, settingsView),
    saveSettings: (update) => call('PUT', widgetApi.settings, settingsView, update),
    testConnection: (connection) =>
      call('POST', widgetApi.settingsTestConnection, shaped<ConnectionTestResult>('ok'), {
        erp: connection,
      } satisfies ConnectionTestInput),
    guardSetup: (enable) =>
      call('POST', widgetApi.guardSetup, shaped<GuardSetupResult>('fieldId'), {
        enable,
      } satisfies GuardSetupInput),
    accountPipelines: () => call('GET', widgetApi.accountPipelines, shaped<AccountPipelines>('pipelines')),
    accountUsers: () => call('GET', widgetApi.accountUsers, shaped<AccountUsers>('users', 'groups')),
    accountFields: (entity) => call('GET', widgetApi.accountFields(entity), shaped<AccountFields>('fields')),
  };
}

/**
 * Cheap structural check: the server validates with the zod contract; the widget only makes sure
 * it will not crash rendering something else (a proxy's HTML page, an old server version).
 */
export const isStockReport = shaped<StockReport>('status', 'asOf', 'lines');

export function failureFromXhr(xhr: JqXhrLike | undefined, textStatus?: string): ApiFailure {
  const status = typeof xhr?.status === 'number' ? xhr.status : 0;
  if (textStatus === 'timeout') return { kind: 'timeout', status };
  // Status 0: the request never got an HTTP answer (offline, DNS, CORS refusal).
  if (status === 0) return { kind: 'network', status };
  const problem = asProblem(xhr?.responseJSON ?? parseJson(xhr?.responseText));
  if (textStatus === 'parsererror' && status >= 200 && status < 300)
    return { kind: 'invalid-response', status };
  return { kind: 'http', status, ...problem };
}

/** Turns anything thrown or rejected into a failure value. */
export function toFailure(error: unknown): ApiFailure {
  if (typeof error === 'object' && error !== null && typeof (error as ApiFailure).kind === 'string') {
    return error as ApiFailure;
  }
  return { kind: 'network', status: 0, detail: error instanceof Error ? error.message : undefined };
}

type ProblemPart = Pick<ApiFailure, 'code' | 'title' | 'detail' | 'errors'>;

function asProblem(body: unknown): ProblemPart {
  if (typeof body !== 'object' || body === null) return {};
  const { code, title, detail, errors } = body as Record<string, unknown>;
  const problem: ProblemPart = {};
  if (typeof code === 'string') problem.code = code as Problem['code'];
  if (typeof title === 'string' && title !== '') problem.title = title;
  if (typeof detail === 'string' && detail !== '') problem.detail = detail;
  if (Array.isArray(errors)) {
    problem.errors = errors.flatMap((e: { path?: unknown; message?: unknown }) =>
      typeof e?.path === 'string' && typeof e.message === 'string'
        ? [{ path: e.path, message: e.message }]
        : [],
    );
  }
  return problem;
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
