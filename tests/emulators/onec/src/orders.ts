import { BodyError, createDocument, postDocument } from './documents.js';
import type { Row } from './filter.js';
import { completeRow, ORDER_STATUSES, PROVISION_VARIANTS, RESERVE_FROM_STOCK } from './loop-entities.js';
import type { EntitySet, OneCState } from './state.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * POST Document_ЗаказКлиента: the generic document (number, date, sums, Товары) plus what an
 * order carries beyond it: the status, the header warehouse and, per line, its warehouse and
 * ВариантОбеспечения. Enumeration values travel as their names (platform docs, "Стандартный
 * интерфейс OData", enumerations: https://its.1c.ru/db/v838doc#bookmark:dev:TI000001358); a
 * name the enumeration does not have is refused as 1C refuses it.
 */
export function createOrder(state: OneCState, set: EntitySet, body: unknown): Row {
  if (isObject(body)) {
    if (body.Статус !== undefined && !ORDER_STATUSES.includes(body.Статус as never))
      throw new BodyError(`Неверное значение перечисления СтатусыЗаказовКлиентов: ${String(body.Статус)}`);
    for (const line of Array.isArray(body.Товары) ? body.Товары : []) {
      const variant = isObject(line) ? line.ВариантОбеспечения : undefined;
      if (variant !== undefined && !PROVISION_VARIANTS.includes(variant as never))
        throw new BodyError(`Неверное значение перечисления ВариантыОбеспечения: ${String(variant)}`);
    }
  }
  const row = createDocument(state, set, body);
  const input = body as Record<string, unknown>;
  for (const key of ['Статус', 'Склад_Key', 'НомерПоДаннымКлиента']) {
    if (typeof input[key] === 'string') row[key] = input[key];
  }
  const sent = (Array.isArray(input.Товары) ? input.Товары : []) as Record<string, unknown>[];
  ((row.Товары ?? []) as Row[]).forEach((line, i) => {
    const from = sent[i] ?? {};
    if (typeof from.Склад_Key === 'string') line.Склад_Key = from.Склад_Key;
    if (typeof from.ВариантОбеспечения === 'string') line.ВариантОбеспечения = from.ВариантОбеспечения;
    if (typeof from.Отменено === 'boolean') line.Отменено = from.Отменено;
  });
  completeRow(state, set, row);
  return row;
}

/** The stock register's records this order wrote (the register's Recorder is the document). */
const recordsOf = (state: OneCState, ref: string) =>
  state.registers.get(state.stockRegister)?.rows.filter((r) => r.Recorder === ref) ?? [];

function removeRecords(state: OneCState, ref: string): void {
  const register = state.registers.get(state.stockRegister);
  if (register) register.rows = register.rows.filter((r) => r.Recorder !== ref);
}

/**
 * Post(): the document's checks, then its register records, rewritten as posting in 1C rewrites
 * a document's whole record set. An order "К выполнению" reserves each line whose
 * ВариантОбеспечения is СоСклада at the line's warehouse (AccumulationRegister_СвободныеОстатки,
 * resource ВРезервеСоСклада); cancelled lines and a closed or unapproved order reserve nothing.
 */
export function postOrder(state: OneCState, doc: Row): string | null {
  const refusal = postDocument(state, doc);
  if (refusal) return refusal;
  removeRecords(state, doc.Ref_Key as string);
  const register = state.registers.get(state.stockRegister);
  if (!register || doc.Статус !== 'КВыполнению') return null;
  for (const line of (doc.Товары ?? []) as Row[]) {
    if (line.Отменено === true || line.ВариантОбеспечения !== RESERVE_FROM_STOCK) continue;
    register.rows.push({
      Recorder: doc.Ref_Key,
      Номенклатура_Key: line.Номенклатура_Key,
      Склад_Key: line.Склад_Key,
      ВНаличии: 0,
      ВРезервеСоСклада: Number(line.Количество ?? 0),
    });
  }
  return null;
}

/** Unpost(): the document stays, its register records go (its reserve with them). */
export function unpostOrder(state: OneCState, doc: Row): void {
  doc.Posted = false;
  removeRecords(state, doc.Ref_Key as string);
}

/** Quantity this order holds in reserve now, per item Ref_Key (tests read it). */
export function reservedBy(state: OneCState, ref: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of recordsOf(state, ref)) {
    const item = r.Номенклатура_Key as string;
    out[item] = (out[item] ?? 0) + Number(r.ВРезервеСоСклада ?? 0);
  }
  return out;
}
