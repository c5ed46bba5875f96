import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const HAL_CONTENT_TYPE = 'application/hal+json';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  429: 'Too Many Requests',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  500: 'Internal Server Error',
};

/** A successful amoCRM answer. */
export function hal(c: Context, body: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(JSON.stringify(body), status, { 'Content-Type': `${HAL_CONTENT_TYPE}; charset=utf-8` });
}

/** amoCRM answers an empty list with 204 and no body rather than an empty array. */
export function emptyList(c: Context): Response {
  return c.body(null, 204);
}

/** amoCRM's error shape. `type` points at httpstatus.es, as the real API does. */
export function problem(
  c: Context,
  status: ContentfulStatusCode,
  detail: string,
  extra: Record<string, unknown> = {},
): Response {
  const body = {
    title: TITLES[status] ?? 'Error',
    type: `https://httpstatus.es/${status}`,
    status,
    detail,
    ...extra,
  };
  return c.body(JSON.stringify(body), status, { 'Content-Type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8` });
}

export interface ValidationIssue {
  path: string;
  detail: string;
  /** Which item of a batch (its index or the request_id it sent); '0' for single requests. */
  requestId?: string;
  code?: string;
}

/** 400 with amoCRM's `validation-errors` list, one entry per failing item. */
export function validationProblem(c: Context, issues: ValidationIssue[]): Response {
  const byRequest = new Map<string, ValidationIssue[]>();
  for (const issue of issues) {
    const id = issue.requestId ?? '0';
    byRequest.set(id, [...(byRequest.get(id) ?? []), issue]);
  }
  return problem(c, 400, 'Request validation failed', {
    'validation-errors': [...byRequest].map(([requestId, list]) => ({
      request_id: requestId,
      errors: list.map((i) => ({ code: i.code ?? 'InvalidValue', path: i.path, detail: i.detail })),
    })),
  });
}

/** Origin for `_links` hrefs: the one the client called, so following `next` works behind any base URL. */
export function apiBase(c: Context): string {
  return `${new URL(c.req.url).origin}/api/v4`;
}
