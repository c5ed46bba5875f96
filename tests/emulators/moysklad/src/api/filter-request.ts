import type { Context } from 'hono';
import { type FilterCondition, FilterError, parseFilter } from '../filter.js';
import { fail } from '../wire.js';

/** The request's filter, checked against the fields this endpoint can filter on. */
export function requestFilter(c: Context, allowed: readonly string[]): FilterCondition[] | Response {
  let conds: FilterCondition[];
  try {
    conds = parseFilter(c.req.query('filter'));
  } catch (err) {
    return fail(c, 400, 1002, err instanceof FilterError ? err.message : 'Неверный фильтр', 'filter');
  }
  const unknown = conds.find((f) => !allowed.includes(f.field));
  if (unknown) return fail(c, 400, 1002, `Неизвестное поле фильтрации: '${unknown.field}'`, 'filter');
  return conds;
}
