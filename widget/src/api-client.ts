import type { Problem, StockReport } from '@erp-bridge/shared';
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
}

export interface WidgetApiClient {
  leadStock(leadId: number): Promise<StockReport>;
}

const TIMEOUT_MS = 15_000;

export function createApiClient(backend: string, ajax: AuthorizedAjax): WidgetApiClient {
  function get<T>(path: string, accept: (data: unknown) => data is T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      ajax({ url: backend + path, method: 'GET', dataType: 'json', timeout: TIMEOUT_MS }).then(
        (data) => {
          if (accept(data)) resolve(data);
          else reject({ kind: 'invalid-response', status: 200 } satisfies ApiFailure);
        },
        (xhr, textStatus) => reject(failureFromXhr(xhr, textStatus)),
      );
    });
  }
  return {
    leadStock: (leadId) => get(widgetApi.leadStock(leadId), isStockReport),
  };
}

/**
 * Cheap structural check: the server validates with the zod contract; the widget only makes sure
 * it will not crash rendering something else (a proxy's HTML page, an old server version).
 */
export function isStockReport(data: unknown): data is StockReport {
  if (typeof data !== 'object' || data === null) return false;
  const report = data as Partial<StockReport>;
  return (
    typeof report.status === 'string' &&
    typeof report.asOf === 'string' &&
    Array.isArray(report.lines) &&
    report.lines.every((l) => typeof l === 'object' && l !== null && Array.isArray(l.warehouses))
  );
}

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

function asProblem(body: unknown): Pick<ApiFailure, 'code' | 'title' | 'detail'> {
  if (typeof body !== 'object' || body === null) return {};
  const { code, title, detail } = body as Record<string, unknown>;
  const problem: Pick<ApiFailure, 'code' | 'title' | 'detail'> = {};
  if (typeof code === 'string') problem.code = code as Problem['code'];
  if (typeof title === 'string' && title !== '') problem.title = title;
  if (typeof detail === 'string' && detail !== '') problem.detail = detail;
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
