import { compileFilter, FilterError, type Row } from './filter.js';

/** $filter, $orderby, $skip, $top, $select over rows whose properties are `fields`. */
export function applyQuery(rows: Row[], fields: readonly string[], q: URLSearchParams): Row[] {
  let out = rows;
  const filter = q.get('$filter');
  if (filter) {
    const keep = compileFilter(filter, fields);
    out = out.filter(keep);
  }
  const orderby = q.get('$orderby');
  if (orderby) {
    const keys = orderby.split(',').map((part) => {
      const [field = '', dir = 'asc'] = part.trim().split(/\s+/);
      if (!fields.includes(field)) throw new FilterError(`unknown property '${field}' in $orderby`);
      if (dir !== 'asc' && dir !== 'desc') throw new FilterError(`bad $orderby direction '${dir}'`);
      return { field, sign: dir === 'desc' ? -1 : 1 };
    });
    out = [...out].sort((a, b) => {
      for (const { field, sign } of keys) {
        const x = a[field] as string | number;
        const y = b[field] as string | number;
        if (x < y) return -sign;
        if (x > y) return sign;
      }
      return 0;
    });
  }
  const skip = intParam(q, '$skip');
  if (skip !== undefined) out = out.slice(skip);
  const top = intParam(q, '$top');
  if (top !== undefined) out = out.slice(0, top);
  return out.map((row) => selectFields(row, fields, q.get('$select')));
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) throw new FilterError(`${name} must be a non-negative integer`);
  return Number(raw);
}

export function selectFields(row: Row, fields: readonly string[], select: string | null): Row {
  const copy = structuredClone(row);
  if (!select) return copy;
  const names = select
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) if (!fields.includes(n)) throw new FilterError(`unknown property '${n}' in $select`);
  return Object.fromEntries(names.map((n) => [n, copy[n]]));
}
