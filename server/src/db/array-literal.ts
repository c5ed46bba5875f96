/**
 * A PostgreSQL array literal ('{…}') of `values`, for an `unnest($1::type[], …)` insert: one
 * statement text whatever the batch size. NULL bare, numbers as they are, text double-quoted with
 * backslashes and quotes escaped (PostgreSQL manual, "Arrays", array value input).
 */
export function arrayLiteral(values: readonly (string | number | null)[]): string {
  return `{${values.map(arrayItem).join(',')}}`;
}

function arrayItem(v: string | number | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  return `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
