import type {
  ClientRouteName,
  HttpMethod,
  PathOf,
  Problem,
  RouteAnswer,
  RouteAt,
  RouteBody,
  RouteQuery,
  WidgetRouteName,
} from '@erp-bridge/shared';

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
  /** 'text': the body as it came (the journal's CSV). */
  dataType: 'json' | 'text';
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

/** The answer of a widget route, typed by the route table in shared/src/contract/. */
type Answer<K extends WidgetRouteName> = Promise<RouteAnswer<K>>;

export interface WidgetApiClient {
  /** `refresh`: the backend reads the ERP again instead of its short cache ("↻"). */
  leadStock(leadId: number, refresh?: boolean): Answer<'leadStock'>;
  leadGuard(leadId: number): Answer<'leadGuard'>;
  leadStockCheck(leadId: number): Answer<'leadStockCheck'>;
  leadInvoices(leadId: number): Answer<'leadInvoices'>;
  /** Issue 15: the deal's order / reserve and its invoices' states in the ERP. */
  leadErpLoop(leadId: number): Answer<'leadErpLoop'>;
  requestInvoice(
    leadId: number,
    idempotencyKey: string,
    input: RouteBody<'requestInvoice'>,
  ): Answer<'requestInvoice'>;
  customerSummary(entity: CustomerEntity, id: number): Answer<'contactSummary' | 'companySummary'>;
  chooseCustomer(entity: CustomerEntity, id: number, customerId: string): Answer<'contactCustomer'>;
  /** "Not this customer": forgets the pick; answers the card searched again. */
  unlinkCustomer(entity: CustomerEntity, id: number): Answer<'contactCustomerUnlink'>;
  searchCustomers(q: string): Answer<'customerSearch'>;
  /** "Create the customer in the ERP" from the card (idempotent per card); answers it found. */
  createCustomer(entity: CustomerEntity, id: number): Answer<'contactCustomerCreate'>;
  settings(): Answer<'settings'>;
  saveSettings(update: RouteBody<'saveSettings'>): Answer<'saveSettings'>;
  testConnection(
    connection: NonNullable<RouteBody<'settingsTestConnection'>['erp']>,
  ): Answer<'settingsTestConnection'>;
  /** Sets up (enable) or lifts the native stage gate. */
  guardSetup(enable: boolean): Answer<'guardSetup'>;
  /** What the settings page's pickers offer (admins only). */
  accountPipelines(): Answer<'accountPipelines'>;
  accountUsers(): Answer<'accountUsers'>;
  accountFields(entity: RouteQuery<'accountFields'>['entity']): Answer<'accountFields'>;
}

const TIMEOUT_MS = 15_000;

type Accept<T> = (data: unknown) => data is T;

/** An object carrying every listed key: enough to render without crashing. */
export const shaped =
  <T>(...keys: string[]): Accept<T> =>
  (data): data is T =>
    typeof data === 'object' && data !== null && keys.every((k) => k in data);

const settingsView = shaped<RouteAnswer<'settings'>>('erp', 'guard', 'health');
const panel = shaped<RouteAnswer<'contactSummary'>>('status');

/** What a call sends besides its route: the `{id}` of the path, the query, the body, headers. */
interface CallParts<K extends ClientRouteName> {
  id?: number;
  query?: RouteQuery<K>;
  body?: RouteBody<K>;
  headers?: Record<string, string>;
  /** A route answering text rather than JSON. */
  dataType?: 'text';
}

/**
 * The one way the widget calls its backend: a route of the table (shared/src/contract/) by method
 * and path template (tsc refuses one not in the table), its answer typed from the entry.
 */
export function createRouteCall(backend: string, ajax: AuthorizedAjax) {
  return function call<M extends HttpMethod, P extends PathOf<M>>(
    method: M,
    path: P,
    accept: Accept<RouteAnswer<RouteAt<M, P>>>,
    parts: CallParts<RouteAt<M, P>> = {},
  ): Promise<RouteAnswer<RouteAt<M, P>>> {
    const query = parts.query ? `?${new URLSearchParams(parts.query as Record<string, string>)}` : '';
    const url = backend + path.replace('{id}', String(parts.id)) + query;
    const options: AjaxOptions = { url, method, dataType: parts.dataType ?? 'json', timeout: TIMEOUT_MS };
    if (parts.headers) options.headers = parts.headers;
    if (parts.body !== undefined) {
      options.data = JSON.stringify(parts.body);
      options.contentType = 'application/json';
    }
    return new Promise((resolve, reject) => {
      ajax(options).then(
        (data) => {
          if (accept(data)) resolve(data);
          else reject({ kind: 'invalid-response', status: 200 } satisfies ApiFailure);
        },
        (xhr, textStatus) => reject(failureFromXhr(xhr, textStatus)),
      );
    });
  };
}

export function createApiClient(backend: string, ajax: AuthorizedAjax): WidgetApiClient {
  const call = createRouteCall(backend, ajax);
  return {
    leadStock: (id, refresh) =>
      call(
        'GET',
        '/api/v1/leads/{id}/stock',
        isStockReport,
        refresh ? { id, query: { refresh: '1' } } : { id },
      ),
    leadGuard: (id) => call('GET', '/api/v1/leads/{id}/guard', shaped('enabled', 'latest'), { id }),
    leadStockCheck: (id) => call('POST', '/api/v1/leads/{id}/stock-check', shaped('record'), { id }),
    leadInvoices: (id) => call('GET', '/api/v1/leads/{id}/invoices', shaped('items', 'canRequest'), { id }),
    leadErpLoop: (id) =>
      call('GET', '/api/v1/leads/{id}/erp-loop', shaped('invoices', 'capabilities'), { id }),
    requestInvoice: (id, key, body) =>
      call('POST', '/api/v1/leads/{id}/invoices', shaped('id', 'status'), {
        id,
        body,
        headers: { 'Idempotency-Key': key },
      }),
    customerSummary: (entity, id) => call('GET', `/api/v1/${entity}/{id}/summary`, panel, { id }),
    chooseCustomer: (entity, id, customerId) =>
      call('POST', `/api/v1/${entity}/{id}/customer`, panel, { id, body: { customerId } }),
    unlinkCustomer: (entity, id) =>
      call('POST', `/api/v1/${entity}/{id}/customer/unlink`, panel, { id, body: {} }),
    searchCustomers: (q) => call('GET', '/api/v1/customers/search', shaped('items'), { query: { q } }),
    createCustomer: (entity, id) =>
      call('POST', `/api/v1/${entity}/{id}/customer/create`, panel, { id, body: {} }),
    settings: () => call('GET', '/api/v1/settings', settingsView),
    saveSettings: (body) => call('PUT', '/api/v1/settings', settingsView, { body }),
    testConnection: (erp) =>
      call('POST', '/api/v1/settings/test-connection', shaped('ok'), { body: { erp } }),
    guardSetup: (enable) =>
      call('POST', '/api/v1/settings/guard-setup', shaped('fieldId'), { body: { enable } }),
    accountPipelines: () => call('GET', '/api/v1/account/pipelines', shaped('pipelines')),
    accountUsers: () => call('GET', '/api/v1/account/users', shaped('users', 'groups')),
    accountFields: (entity) => call('GET', '/api/v1/account/fields', shaped('fields'), { query: { entity } }),
  };
}

/**
 * Cheap structural check: the server validates with the zod contract; the widget only makes sure
 * it will not crash rendering something else (a proxy's HTML page, an old server version).
 */
export const isStockReport = shaped<RouteAnswer<'leadStock'>>('status', 'asOf', 'lines');

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
