import type { Context } from 'hono';
import { z } from 'zod';

export const MAX_LIMIT = 250;

/** amoCRM: `page` from 1, `limit` up to 250 (50 when absent). */
export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(50),
});
export type PageQuery = z.output<typeof PageQuery>;

export interface Page<T> {
  items: T[];
  hasNext: boolean;
}

export function paginate<T>(all: readonly T[], { page, limit }: PageQuery): Page<T> {
  const start = (page - 1) * limit;
  return { items: all.slice(start, start + limit), hasNext: start + limit < all.length };
}

/** `_links` of a list page: self, and next only when there is one. Other query parameters are kept. */
export function pageLinks(c: Context, { page, limit }: PageQuery, hasNext: boolean) {
  const href = (p: number) => {
    const url = new URL(c.req.url);
    url.searchParams.set('page', String(p));
    url.searchParams.set('limit', String(limit));
    return url.toString();
  };
  return { self: { href: href(page) }, ...(hasNext ? { next: { href: href(page + 1) } } : {}) };
}
