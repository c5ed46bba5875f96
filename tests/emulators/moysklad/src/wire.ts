import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const API_PREFIX = '/api/remap/1.2';
export const MEDIA_TYPE = 'application/json';
const JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

/** The API base the client called, so hrefs work behind any host and port. */
export function apiBase(c: Context): string {
  return `${new URL(c.req.url).origin}${API_PREFIX}`;
}

export interface Meta {
  href: string;
  metadataHref?: string;
  type: string;
  mediaType: typeof MEDIA_TYPE;
  uuidHref?: string;
  size?: number;
  limit?: number;
  offset?: number;
  nextHref?: string;
  previousHref?: string;
}

/** `meta` of one entity, as MoySklad writes references: {meta: {href, metadataHref, type, mediaType}}. */
export function entityMeta(base: string, type: string, id: string): Meta {
  return {
    href: `${base}/entity/${type}/${id}`,
    metadataHref: `${base}/entity/${type}/metadata`,
    type,
    mediaType: MEDIA_TYPE,
  };
}

/** `meta` in an entity's own answer: with `uuidHref`, its page in MoySklad's web UI (`#<page>/edit?id=`). */
export function uiMeta(base: string, type: string, id: string, page: string = type): Meta {
  return { ...entityMeta(base, type, id), uuidHref: `https://online.moysklad.ru/app/#${page}/edit?id=${id}` };
}

export const ref = (base: string, type: string, id: string) => ({ meta: entityMeta(base, type, id) });

/** The last path segment of an href: MoySklad identifies referenced entities by their href. */
export function idFromHref(href: string, type?: string): string | null {
  const m = /\/entity\/([^/?#]+)\/([^/?#]+)$/.exec(href.split('?')[0] ?? '');
  if (!m || (type && m[1] !== type)) return null;
  return m[2] ?? null;
}

export function json(c: Context, body: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(JSON.stringify(body), status, { 'Content-Type': JSON_CONTENT_TYPE });
}

export interface WireError {
  error: string;
  code: number;
  parameter?: string;
}

/** MoySklad's error body: {"errors": [{error, code, moreInfo, parameter?}]}. */
export function errorBody(errors: WireError[]) {
  return {
    errors: errors.map((e) => ({
      ...e,
      moreInfo: `https://dev.moysklad.ru/doc/api/remap/1.2/#error_${e.code}`,
    })),
  };
}

export function fail(
  c: Context,
  status: ContentfulStatusCode,
  code: number,
  error: string,
  parameter?: string,
): Response {
  return json(c, errorBody([{ error, code, ...(parameter ? { parameter } : {}) }]), status);
}

/** Moscow has been UTC+3 all year since 2014. */
const MSK_OFFSET_MS = 3 * 60 * 60 * 1000;

/** "YYYY-MM-DD HH:mm:ss.SSS" in Moscow time, as MoySklad writes datetimes. */
export function moscowTime(date: Date): string {
  return new Date(date.getTime() + MSK_OFFSET_MS).toISOString().replace('T', ' ').replace('Z', '');
}

/** Dataset moments come without milliseconds; the API always writes them. */
export const withMillis = (moment: string) => (/\.\d{3}$/.test(moment) ? moment : `${moment}.000`);
