import type { Doc } from './seed.js';

/**
 * Frappe's list filters: `[[field, op, value], ...]`, `[[doctype, field, op, value], ...]` or
 * `{field: value | [op, value]}`; the operators ERPNext's REST clients use.
 */
export type Condition = { field: string; op: string; value: unknown };

export class FilterError extends Error {}

export function parseFilters(raw: string | undefined): Condition[] {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new FilterError(`filters is not JSON: ${raw}`);
  }
  if (Array.isArray(parsed)) {
    return parsed.map((f) => {
      if (!Array.isArray(f) || f.length < 3 || f.length > 4)
        throw new FilterError(`bad filter ${JSON.stringify(f)}`);
      const [field, op, value] = f.length === 4 ? f.slice(1) : f;
      return { field: String(field), op: String(op).toLowerCase(), value };
    });
  }
  if (parsed && typeof parsed === 'object') {
    return Object.entries(parsed).map(([field, v]) =>
      Array.isArray(v)
        ? { field, op: String(v[0]).toLowerCase(), value: v[1] }
        : { field, op: '=', value: v },
    );
  }
  throw new FilterError('filters must be a list or an object');
}

/** SQL LIKE: % any run, _ one character, case-insensitive (MariaDB's default collation). */
export function likeToRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'is');
}

const isSet = (v: unknown) => v !== null && v !== undefined && v !== '';

export function matches(doc: Doc, c: Condition): boolean {
  const v = doc[c.field];
  // Frappe compares through SQL: numbers and their string forms are equal.
  const eq = (a: unknown, b: unknown) => a === b || (isSet(a) && isSet(b) && String(a) === String(b));
  switch (c.op) {
    case '=':
      return eq(v, c.value);
    case '!=':
      return !eq(v, c.value);
    case 'in':
    case 'not in': {
      const list = Array.isArray(c.value) ? c.value : String(c.value).split(',');
      const hit = list.some((x) => eq(v, x));
      return c.op === 'in' ? hit : !hit;
    }
    case 'like':
      return isSet(v) && likeToRegExp(String(c.value)).test(String(v));
    case 'not like':
      return !isSet(v) || !likeToRegExp(String(c.value)).test(String(v));
    case 'is':
      return c.value === 'set' ? isSet(v) : !isSet(v);
    case '>':
      return Number(v) > Number(c.value);
    case '<':
      return Number(v) < Number(c.value);
    case '>=':
      return Number(v) >= Number(c.value);
    case '<=':
      return Number(v) <= Number(c.value);
    default:
      throw new FilterError(`unsupported operator ${c.op}`);
  }
}

/** `order_by=creation desc, name asc` */
export function sortDocs(docs: Doc[], orderBy: string | undefined): Doc[] {
  const keys = (orderBy ?? 'creation desc')
    .split(',')
    .map((s) => s.trim().replace(/`/g, '').split(/\s+/))
    .filter(([f]) => f)
    .map(([f, dir]) => ({
      field: (f as string).replace(/^.*\./, ''),
      desc: (dir ?? 'asc').toLowerCase() === 'desc',
    }));
  return [...docs].sort((a, b) => {
    for (const k of keys) {
      const x = a[k.field] as string | number | undefined;
      const y = b[k.field] as string | number | undefined;
      if (x === y) continue;
      if (x === undefined || x === null) return 1;
      if (y === undefined || y === null) return -1;
      return (x < y ? -1 : 1) * (k.desc ? -1 : 1);
    }
    return 0;
  });
}
