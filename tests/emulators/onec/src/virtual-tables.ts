import { compileFilter, FilterError, type Row } from './filter.js';
import type { VirtualTableParams } from './params.js';
import type { Register } from './state.js';

const dimensionKey = (row: Row, dims: string[]) => dims.map((d) => String(row[d])).join('|');

function chosenDimensions(register: Register, params: VirtualTableParams): string[] {
  if (!params.dimensions) return register.dimensions;
  // Dimensions='Номенклатура,Склад' names dimensions without the _Key suffix of reference columns.
  return params.dimensions.map((name) => {
    const dim = register.dimensions.find((d) => d === name || d === `${name}_Key`);
    if (!dim) throw new FilterError(`unknown dimension ${name}`);
    return dim;
  });
}

function conditionFilter(register: Register, condition: string | undefined): (row: Row) => boolean {
  return condition ? compileFilter(condition, register.dimensions) : () => true;
}

/** Fields a client may name in $filter/$select on a virtual table. */
export function balanceFields(register: Register): string[] {
  return [...register.dimensions, ...register.resources.map((r) => `${r}Balance`)];
}

/**
 * `<Register>/Balance(...)`: resources summed per dimension set as of Period (all records when
 * omitted). As in 1C, a combination whose every balance is zero is not a row at all.
 */
export function balance(register: Register, params: VirtualTableParams): Row[] {
  const keep = conditionFilter(register, params.condition);
  const dims = chosenDimensions(register, params);
  const groups = new Map<string, Row>();
  for (const record of register.rows) {
    if (params.period && typeof record.Period === 'string' && record.Period >= params.period) continue;
    if (!keep(record)) continue;
    const key = dimensionKey(record, dims);
    let row = groups.get(key);
    if (!row) {
      row = Object.fromEntries(dims.map((d) => [d, record[d]]));
      for (const r of register.resources) row[`${r}Balance`] = 0;
      groups.set(key, row);
    }
    for (const r of register.resources)
      row[`${r}Balance`] = (row[`${r}Balance`] as number) + Number(record[r] ?? 0);
  }
  return [...groups.values()].filter((row) => register.resources.some((r) => row[`${r}Balance`] !== 0));
}

export function sliceLastFields(register: Register): string[] {
  return ['Period', ...register.dimensions, ...register.resources];
}

/** `<Register>/SliceLast(...)`: per dimension set, the latest record at or before Period. */
export function sliceLast(register: Register, params: VirtualTableParams): Row[] {
  const keep = conditionFilter(register, params.condition);
  const latest = new Map<string, Row>();
  for (const record of register.rows) {
    if (params.period && String(record.Period) > params.period) continue;
    if (!keep(record)) continue;
    const key = dimensionKey(record, register.dimensions);
    const seen = latest.get(key);
    if (!seen || String(seen.Period) <= String(record.Period)) latest.set(key, record);
  }
  return [...latest.values()].map((r) => ({ ...r }));
}
