import type { Row } from './filter.js';
import { DOCUMENT_FIELDS, ORDER_DOCUMENT } from './seed.js';
import type { EntitySet, OneCState } from './state.js';

/**
 * Issue 15's entities of a UT 11 / KA / ERP infobase, as its standard OData interface publishes
 * them. The platform side (documents as `Document_<Name>` entity sets, tabular sections as array
 * properties and as `<Document>_<Section>` sets keyed by the owner's Ref_Key, `Posted`,
 * `DeletionMark`, composite references written as `<Field>` + `<Field>_Type`, and the `Post()` /
 * `Unpost()` actions) is the platform's documentation: 1C:Enterprise 8.3 developer guide,
 * "Стандартный интерфейс OData", https://its.1c.ru/db/v838doc#bookmark:dev:TI000001358 (also
 * 1C's article https://1cfresh.com/articles/data_odata). The configuration's own names below are
 * UT 11's; where the product depends on one, the 1C connector takes it as an option
 * (server/src/erp/onec/options.ts) marked UNCONFIRMED.
 */

/** Bank receipt (УТ 11: «Поступление безналичных ДС»); its rows say which invoice / order a sum pays. */
export const PAYMENT_DOCUMENT = 'Document_ПоступлениеБезналичныхДенежныхСредств';
export const PAYMENT_SECTION = 'РасшифровкаПлатежа';
/** УТ 11: the invoice's "annulled" flag (a cancelled invoice that stays in the books). */
export const INVOICE_CANCELLED_FIELD = 'Аннулирован';
/** Перечисление.СтатусыЗаказовКлиентов: only an order "К выполнению" reserves; "Закрыт" releases. */
export const ORDER_STATUSES = ['НеСогласован', 'КВыполнению', 'Закрыт'] as const;
/**
 * Перечисление.ВариантыОбеспечения, the line's "Действие": `СоСклада` reserves free stock at the
 * line's warehouse (the register's ВРезервеСоСклада), the others reserve nothing now.
 */
export const RESERVE_FROM_STOCK = 'СоСклада';
export const PROVISION_VARIANTS = [RESERVE_FROM_STOCK, 'Отгрузить', 'КОбеспечению', 'НеТребуется'] as const;

const ORDER_FIELDS = ['Статус', 'Склад_Key', 'НомерПоДаннымКлиента'];
const ORDER_LINE_FIELDS = ['Склад_Key', 'ВариантОбеспечения', 'Отменено'];

/** Adds the loop's properties and documents to a seeded infobase. */
export function addLoopEntities(state: OneCState): void {
  const orders = state.sets.get(ORDER_DOCUMENT);
  if (orders) {
    orders.fields = [...orders.fields, ...ORDER_FIELDS];
    orders.sections = {
      ...orders.sections,
      Товары: [...(orders.sections.Товары ?? []), ...ORDER_LINE_FIELDS],
    };
    for (const row of orders.rows) completeRow(state, orders, row);
  }
  const invoices = state.sets.get(state.invoiceDocument);
  if (invoices) {
    invoices.fields = [...invoices.fields, INVOICE_CANCELLED_FIELD];
    for (const row of invoices.rows) completeRow(state, invoices, row);
  }
  const payments: EntitySet = {
    name: PAYMENT_DOCUMENT,
    // A document like the others; its rows are the payment breakdown, not goods.
    fields: [...DOCUMENT_FIELDS.filter((f) => f !== 'Товары'), PAYMENT_SECTION],
    // ОснованиеПлатежа and Заказ are composite references: the value and its type in `_Type`.
    sections: {
      [PAYMENT_SECTION]: ['ОснованиеПлатежа', 'ОснованиеПлатежа_Type', 'Заказ', 'Заказ_Type', 'Сумма'],
    },
    rows: [],
  };
  state.sets.set(payments.name, payments);
}

/** What 1C fills on a new object the client did not send: every published property has a value. */
export function completeRow(state: OneCState, set: EntitySet, row: Row): void {
  if (set.name === state.invoiceDocument && row[INVOICE_CANCELLED_FIELD] === undefined)
    row[INVOICE_CANCELLED_FIELD] = false;
  if (set.name !== ORDER_DOCUMENT) return;
  row.Статус ??= 'НеСогласован';
  row.Склад_Key ??= '00000000-0000-0000-0000-000000000000';
  row.НомерПоДаннымКлиента ??= '';
  for (const line of (row.Товары ?? []) as Row[]) {
    line.Склад_Key ??= row.Склад_Key;
    line.ВариантОбеспечения ??= 'КОбеспечению';
    line.Отменено ??= false;
  }
}
