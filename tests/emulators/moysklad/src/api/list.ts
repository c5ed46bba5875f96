import type { Context } from 'hono';
import { apiBase, fail, json, MEDIA_TYPE } from '../wire.js';

const MAX_LIMIT = 1000;

/** limit/offset as MoySklad checks them; a Response when they are invalid. */
export function paging(c: Context): { limit: number; offset: number } | Response {
  const limit = Number(c.req.query('limit') ?? MAX_LIMIT);
  const offset = Number(c.req.query('offset') ?? 0);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    return fail(c, 400, 1002, `Параметр 'limit' должен быть от 1 до ${MAX_LIMIT}`, 'limit');
  }
  if (!Number.isInteger(offset) || offset < 0) {
    return fail(c, 400, 1002, "Параметр 'offset' должен быть неотрицательным", 'offset');
  }
  return { limit, offset };
}

/** `order=moment,desc;name` over the fields the emulator knows. */
export function sortRows<T>(
  rows: T[],
  order: string | undefined,
  fields: Record<string, (row: T) => string | number>,
): T[] {
  if (!order) return rows;
  const keys = order.split(';').map((part) => {
    const [field = '', dir = 'asc'] = part.split(',');
    return { get: fields[field], desc: dir === 'desc' };
  });
  return [...rows].sort((a, b) => {
    for (const { get, desc } of keys) {
      if (!get) continue;
      const x = get(a);
      const y = get(b);
      if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
    }
    return 0;
  });
}

/** A MoySklad list: {context, meta: {href, type, mediaType, size, limit, offset, nextHref?}, rows}. */
export function listResponse<T>(
  c: Context,
  type: string,
  all: T[],
  serialize: (row: T, base: string) => unknown,
): Response {
  const page = paging(c);
  if (page instanceof Response) return page;
  const base = apiBase(c);
  const meta: Record<string, unknown> = {
    href: c.req.url,
    type,
    mediaType: MEDIA_TYPE,
    size: all.length,
    limit: page.limit,
    offset: page.offset,
  };
  if (page.offset + page.limit < all.length) {
    const next = new URL(c.req.url);
    next.searchParams.set('offset', String(page.offset + page.limit));
    next.searchParams.set('limit', String(page.limit));
    meta.nextHref = next.toString();
  }
  return json(c, {
    context: {
      employee: { meta: { href: `${base}/context/employee`, type: 'employee', mediaType: MEDIA_TYPE } },
    },
    meta,
    rows: all.slice(page.offset, page.offset + page.limit).map((row) => serialize(row, base)),
  });
}
