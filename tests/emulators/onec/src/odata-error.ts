import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * 1C's error body. The platform's codes are small numbers as strings; these mirror the ones seen
 * most (the connector acts on the HTTP status, never on the code).
 */
export const ODATA_CODES = {
  notFound: '6',
  badQuery: '9',
  badBody: '14',
  cannotPost: '15',
  internal: '-1',
} as const;

export function odataError(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
): Response {
  return c.body(
    JSON.stringify({ 'odata.error': { code, message: { lang: 'ru', value: message } } }),
    status,
    { 'Content-Type': 'application/json;charset=utf-8' },
  );
}
