import { randomUUID } from 'node:crypto';
import type { Row } from './filter.js';
import { moscowNow } from './ids.js';
import { EMPTY_REF } from './seed.js';
import type { EntitySet, OneCState } from './state.js';

export class BodyError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Checks a POSTed document against the set's properties, as 1C refuses a property it does not know. */
function checkBody(set: EntitySet, body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw new BodyError('Тело запроса должно быть объектом JSON');
  for (const [key, value] of Object.entries(body)) {
    if (key.includes('@')) continue; // odata.type annotations
    if (!set.fields.includes(key)) throw new BodyError(`Неизвестное свойство: ${key}`);
    const section = set.sections[key];
    if (section) {
      if (!Array.isArray(value)) throw new BodyError(`Табличная часть ${key} должна быть массивом`);
      for (const line of value) {
        if (!isObject(line)) throw new BodyError(`Строка табличной части ${key} должна быть объектом`);
        for (const f of Object.keys(line)) {
          if (f !== 'LineNumber' && !section.includes(f))
            throw new BodyError(`Неизвестное свойство: ${key}.${f}`);
        }
      }
    }
  }
  for (const key of ['Количество', 'Цена', 'Сумма', 'СуммаДокумента']) {
    if (key in body && typeof body[key] !== 'number')
      throw new BodyError(`Свойство ${key} должно быть числом`);
  }
  return body;
}

/** POST Document_X: 1C fills what the client left out (number, date, sums) and stores an unposted document. */
export function createDocument(state: OneCState, set: EntitySet, body: unknown): Row {
  const input = checkBody(set, body);
  const goods = (Array.isArray(input.Товары) ? input.Товары : []) as Record<string, unknown>[];
  const lines = goods.map((line, i) => {
    const quantity = Number(line.Количество ?? 0);
    const price = Number(line.Цена ?? 0);
    return {
      LineNumber: String(i + 1),
      Номенклатура_Key: String(line.Номенклатура_Key ?? EMPTY_REF),
      Количество: quantity,
      Цена: price,
      Сумма: typeof line.Сумма === 'number' ? line.Сумма : round2(quantity * price),
    };
  });
  const number = typeof input.Number === 'string' && input.Number ? input.Number : nextNumber(state);
  const row: Row = {
    Ref_Key: randomUUID(),
    DataVersion: 'AAAAAQAAAAA=',
    DeletionMark: false,
    Number: number,
    Date: typeof input.Date === 'string' && !input.Date.startsWith('0001-') ? input.Date : moscowNow(),
    Posted: false,
    Контрагент_Key: String(input.Контрагент_Key ?? EMPTY_REF),
    СуммаДокумента:
      typeof input.СуммаДокумента === 'number'
        ? input.СуммаДокумента
        : round2(lines.reduce((s, l) => s + l.Сумма, 0)),
    Комментарий: typeof input.Комментарий === 'string' ? input.Комментарий : '',
    Товары: lines,
  };
  set.rows.push(row);
  return row;
}

function nextNumber(state: OneCState): string {
  return `0000-${String(state.nextInvoiceNumber++).padStart(6, '0')}`;
}

/** Post(): the configuration's checks a real UT would make before it writes register records. */
export function postDocument(state: OneCState, doc: Row): string | null {
  const customers = state.sets.get('Catalog_Контрагенты')?.rows ?? [];
  const items = state.sets.get('Catalog_Номенклатура')?.rows ?? [];
  if (!customers.some((c) => c.Ref_Key === doc.Контрагент_Key)) return 'Поле "Клиент" не заполнено';
  const lines = (doc.Товары ?? []) as Row[];
  if (lines.length === 0) return 'Не введено ни одной строки в список "Товары"';
  for (const line of lines) {
    if (!items.some((i) => i.Ref_Key === line.Номенклатура_Key)) {
      return `Не заполнена колонка "Номенклатура" в строке ${line.LineNumber} списка "Товары"`;
    }
  }
  doc.Posted = true;
  return null;
}
