import type { Context } from 'hono';
import { z } from 'zod';
import { parseOrIssues } from '../http/query.js';
import { emptyList, hal, validationProblem } from '../http/responses.js';

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

/** `page` and `limit` of a list request, or amoCRM's 400 with the validation errors. */
export function pageQuery(c: Context): PageQuery | Response {
  const page = parseOrIssues(PageQuery, c.req.query());
  return page.ok ? page.value : validationProblem(c, page.issues);
}

/**
 * One page of a list as amoCRM answers it: 204 without a body past the last page, else HAL with
 * `_page`, `_links` and the page's items under `_embedded[key]`. `totals` adds `_total_items` and
 * `_page_count`, which the custom-fields and users lists carry
 * (https://www.amocrm.ru/developers/content/crm_platform/custom-fields, .../users-api).
 */
export function listPage<T>(
  c: Context,
  all: readonly T[],
  page: PageQuery,
  key: string,
  serialize: (item: T, index: number) => unknown,
  totals = false,
): Response {
  const { items, hasNext } = paginate(all, page);
  if (items.length === 0) return emptyList(c);
  const _links = pageLinks(c, page, hasNext);
  const _embedded = { [key]: items.map(serialize) };
  if (!totals) return hal(c, { _page: page.page, _links, _embedded });
  return hal(c, {
    _total_items: all.length,
    _page: page.page,
    _page_count: Math.ceil(all.length / page.limit),
    _links,
    _embedded,
  });
}
