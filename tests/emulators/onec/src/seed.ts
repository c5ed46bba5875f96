import { CUSTOMERS, ITEMS, WAREHOUSES } from '../../../fixtures/erp-dataset.js';
import type { Row } from './filter.js';
import { stableGuid } from './ids.js';
import type { EntitySet, OneCState, Register } from './state.js';

export const ORDER_DOCUMENT = 'Document_ЗаказКлиента';
export const PRICE_REGISTER = 'InformationRegister_ЦеныНоменклатуры';
export const SETTLEMENTS_REGISTER = 'AccumulationRegister_РасчетыСКлиентами';
export const EMPTY_REF = '00000000-0000-0000-0000-000000000000';

/**
 * A service in the item catalog (UT 11 / KA / ERP): the same Catalog_Номенклатура, told apart by
 * its ТипНоменклатуры, an enumeration (Перечисление.ТипыНоменклатуры: Товар, Услуга, Работа,
 * МногооборотнаяТара, Набор, ...) that the standard OData interface writes as the value's name,
 * e.g. "ТипНоменклатуры": "Услуга" (1C:Enterprise 8.3 developer guide, "Standard OData interface",
 * enumerations: https://its.1c.ru/db/v838doc#bookmark:dev:TI000001358). A service has no
 * balance in any accumulation register: it is never stocked.
 */
export const SERVICE_ITEMS = [{ sku: 'SRV-DELIVERY', name: 'Доставка по городу', price: 1500 }];

export const DOCUMENT_FIELDS = [
  'Ref_Key',
  'DataVersion',
  'DeletionMark',
  'Number',
  'Date',
  'Posted',
  'Контрагент_Key',
  'СуммаДокумента',
  'Комментарий',
  'Товары',
];
const GOODS_FIELDS = ['Номенклатура_Key', 'Количество', 'Цена', 'Сумма'];

/** "YYYY-MM-DD HH:mm:ss" (the dataset, Moscow time) -> "YYYY-MM-DDTHH:mm:ss" (how 1C writes it, still Moscow time). */
const onecDate = (moment: string) => moment.replace(' ', 'T');

function documentSet(name: string): EntitySet {
  return { name, fields: DOCUMENT_FIELDS, sections: { Товары: GOODS_FIELDS }, rows: [] };
}

export function seedState(opts: { registerName: string; invoiceDocument: string }): OneCState {
  const refs: OneCState['refs'] = {
    items: {},
    warehouses: {},
    customers: {},
    priceType: stableGuid('price-type:retail'),
  };

  const items: EntitySet = {
    name: 'Catalog_Номенклатура',
    fields: ['Ref_Key', 'DataVersion', 'DeletionMark', 'Code', 'Description', 'Артикул', 'ТипНоменклатуры'],
    sections: {},
    rows: [],
  };
  ITEMS.forEach((item, i) => {
    const ref = stableGuid(`item:${item.sku}`);
    refs.items[item.sku] = ref;
    items.rows.push({
      Ref_Key: ref,
      DataVersion: 'AAAAAQAAAAA=',
      DeletionMark: false,
      Code: `00-${String(i + 1).padStart(8, '0')}`,
      Description: item.name,
      Артикул: item.sku,
      ТипНоменклатуры: 'Товар',
    });
  });
  SERVICE_ITEMS.forEach((service, i) => {
    const ref = stableGuid(`item:${service.sku}`);
    refs.items[service.sku] = ref;
    items.rows.push({
      Ref_Key: ref,
      DataVersion: 'AAAAAQAAAAA=',
      DeletionMark: false,
      Code: `00-${String(ITEMS.length + i + 1).padStart(8, '0')}`,
      Description: service.name,
      Артикул: service.sku,
      ТипНоменклатуры: 'Услуга',
    });
  });
  // A superseded card marked for deletion that still carries a live article: real catalogs have these.
  items.rows.push({
    Ref_Key: stableGuid('item:DRL-18V:old'),
    DataVersion: 'AAAAAQAAAAA=',
    DeletionMark: true,
    Code: '00-00000099',
    Description: 'Дрель-шуруповёрт 18 В (не использовать)',
    Артикул: 'DRL-18V',
    ТипНоменклатуры: 'Товар',
  });

  const warehouses: EntitySet = {
    name: 'Catalog_Склады',
    fields: ['Ref_Key', 'DataVersion', 'DeletionMark', 'Description'],
    sections: {},
    rows: [],
  };
  for (const [key, name] of Object.entries(WAREHOUSES)) {
    const ref = stableGuid(`warehouse:${key}`);
    refs.warehouses[key] = ref;
    warehouses.rows.push({
      Ref_Key: ref,
      DataVersion: 'AAAAAQAAAAA=',
      DeletionMark: false,
      Description: name,
    });
  }

  const customers: EntitySet = {
    name: 'Catalog_Контрагенты',
    fields: ['Ref_Key', 'DataVersion', 'DeletionMark', 'Code', 'Description', 'ИНН', 'КонтактнаяИнформация'],
    sections: { КонтактнаяИнформация: ['Тип', 'Представление', 'АдресЭП', 'НомерТелефона'] },
    rows: [],
  };
  const orders = documentSet(ORDER_DOCUMENT);
  const invoices = documentSet(opts.invoiceDocument);
  const settlements: Register = {
    name: SETTLEMENTS_REGISTER,
    kind: 'accumulation',
    dimensions: ['Контрагент_Key'],
    resources: ['Сумма'],
    rows: [],
  };
  CUSTOMERS.forEach((c, i) => {
    const ref = stableGuid(`customer:${c.key}`);
    refs.customers[c.key] = ref;
    customers.rows.push({
      Ref_Key: ref,
      DataVersion: 'AAAAAQAAAAA=',
      DeletionMark: false,
      Code: `00-${String(i + 1).padStart(8, '0')}`,
      Description: c.name,
      ИНН: c.inn,
      КонтактнаяИнформация: [
        {
          LineNumber: '1',
          Тип: 'Телефон',
          Представление: c.phone,
          АдресЭП: '',
          НомерТелефона: c.phone.replace(/\D/g, ''),
        },
        {
          LineNumber: '2',
          Тип: 'АдресЭлектроннойПочты',
          Представление: c.email,
          АдресЭП: c.email,
          НомерТелефона: '',
        },
      ],
    });
    const doc = (set: EntitySet, kind: string) => (d: { number: string; moment: string; sum: number }) =>
      set.rows.push({
        Ref_Key: stableGuid(`${kind}:${c.key}:${d.number}`),
        DataVersion: 'AAAAAQAAAAA=',
        DeletionMark: false,
        Number: d.number,
        Date: onecDate(d.moment),
        Posted: true,
        Контрагент_Key: ref,
        СуммаДокумента: d.sum,
        Комментарий: '',
        Товары: [],
      });
    c.orders.forEach(doc(orders, 'order'));
    c.invoices.forEach(doc(invoices, 'invoice'));
    // 1C keeps "the client owes us" positive; the dataset keeps it negative.
    if (c.balance !== 0) settlements.rows.push({ Контрагент_Key: ref, Сумма: -c.balance });
  });

  const stock: Register = {
    name: opts.registerName,
    kind: 'accumulation',
    dimensions: ['Номенклатура_Key', 'Склад_Key'],
    resources: ['ВНаличии', 'ВРезервеСоСклада'],
    rows: [],
  };
  const prices: Register = {
    name: PRICE_REGISTER,
    kind: 'information',
    dimensions: ['Номенклатура_Key', 'ВидЦены_Key'],
    resources: ['Цена'],
    rows: [],
  };
  for (const item of ITEMS) {
    const itemRef = refs.items[item.sku] as string;
    for (const [key, figures] of Object.entries(item.stock)) {
      stock.rows.push({
        Номенклатура_Key: itemRef,
        Склад_Key: refs.warehouses[key],
        ВНаличии: figures.stock,
        ВРезервеСоСклада: figures.reserve,
      });
    }
    // An older price first, so SliceLast has something to slice.
    const older: Row = {
      Period: '2026-01-01T00:00:00',
      Номенклатура_Key: itemRef,
      ВидЦены_Key: refs.priceType,
    };
    prices.rows.push({ ...older, Цена: Math.round(item.price * 90) / 100 });
    prices.rows.push({ ...older, Period: '2026-06-01T00:00:00', Цена: item.price });
  }
  // Services are priced like goods (the same price register), but have no stock rows.
  for (const service of SERVICE_ITEMS)
    prices.rows.push({
      Period: '2026-06-01T00:00:00',
      Номенклатура_Key: refs.items[service.sku],
      ВидЦены_Key: refs.priceType,
      Цена: service.price,
    });

  return {
    sets: new Map([items, warehouses, customers, orders, invoices].map((s) => [s.name, s])),
    registers: new Map([stock, prices, settlements].map((r) => [r.name, r])),
    unpublished: new Set(),
    nextInvoiceNumber: 123,
    invoiceDocument: opts.invoiceDocument,
    stockRegister: opts.registerName,
    refs,
  };
}
