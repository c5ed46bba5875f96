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
}

/** 400 with amoCRM's `validation-errors` list. */
export function validationProblem(c: Context, issues: ValidationIssue[]): Response {
  return problem(c, 400, 'Request validation failed', {
    'validation-errors': [
      {
        request_id: '0',
        errors: issues.map((i) => ({ code: 'InvalidValue', path: i.path, detail: i.detail })),
      },
    ],
  });
}

/** Origin for `_links` hrefs: the one the client called, so following `next` works behind any base URL. */
export function apiBase(c: Context): string {
  return `${new URL(c.req.url).origin}/api/v4`;
}
