/**
 * MoySklad's `filter` parameter: `field=value;field2=value2`. Conditions on different fields are
 * ANDed; the same field repeated with `=` means OR (`article=A;article=B`).
 */
export interface FilterCondition {
  field: string;
  op: '=' | '!=' | '~';
  value: string;
}

export function parseFilter(raw: string | undefined): FilterCondition[] {
  if (!raw) return [];
  const out: FilterCondition[] = [];
  for (const part of raw.split(';')) {
    if (!part) continue;
    const m = /^([A-Za-z0-9_.]+)(!=|~|=)(.*)$/.exec(part);
    if (!m) throw new FilterError(part);
    out.push({ field: m[1] as string, op: m[2] as FilterCondition['op'], value: m[3] as string });
  }
  return out;
}

export class FilterError extends Error {
  constructor(readonly part: string) {
    super(`Неверный формат фильтра: '${part}'`);
  }
}

/** Values per field for `=`; other operators per field are kept apart. */
export function groupByField(conds: FilterCondition[]): Map<string, FilterCondition[]> {
  const groups = new Map<string, FilterCondition[]>();
  for (const c of conds) groups.set(c.field, [...(groups.get(c.field) ?? []), c]);
  return groups;
}

/**
 * Whether a row passes: every field's group must pass; inside a group `=` conditions are ORed,
 * `!=` and `~` conditions are ANDed with them.
 */
export function matches(
  conds: FilterCondition[],
  fieldValue: (field: string) => string | null | undefined,
  eq: (field: string, actual: string, wanted: string) => boolean = (_f, a, w) => a === w,
): boolean {
  for (const [field, group] of groupByField(conds)) {
    const actual = fieldValue(field) ?? '';
    const eqs = group.filter((g) => g.op === '=');
    if (eqs.length && !eqs.some((g) => eq(field, actual, g.value))) return false;
    for (const g of group) {
      if (g.op === '!=' && eq(field, actual, g.value)) return false;
      if (g.op === '~' && !actual.toLowerCase().includes(g.value.toLowerCase())) return false;
    }
  }
  return true;
}
