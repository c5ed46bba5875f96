import { z } from 'zod';
import type { ExchangeObserver } from '../../lib/exchange.js';

const name = z.string().min(1);

/**
 * Everything that differs between 1C configurations (UT 11, KA, ERP, BP, custom ones) is a name
 * here, so one connector serves them all. Defaults are UT 11 / KA / ERP names.
 */
export const OneCConnectorOptions = z.object({
  /** The OData root, e.g. https://1c.example.ru/trade/odata/standard.odata */
  odataUrl: z.url().transform((u) => u.replace(/\/+$/, '')),
  user: z.string().min(1),
  password: z.string(),
  timeoutMs: z.number().int().positive().default(15_000),
  /** Extra attempts after a 5xx / network error / timeout on reads and on Post(); never on 4xx. */
  retries: z.number().int().min(0).max(5).default(2),
  retryBaseMs: z.number().int().min(0).default(200),
  retryMaxMs: z.number().int().min(0).default(2_000),
  /** IIS rejects URLs over 2048 characters by default, some proxies earlier: long OR lists are split. */
  maxUrlLength: z.number().int().min(512).default(2_000),

  itemCatalog: name.default('Catalog_Номенклатура'),
  skuField: name.default('Артикул'),
  /**
   * The item's type (UT 11 / KA / ERP: the enumeration ТипНоменклатуры, written by OData as the
   * value's name; BP 3.0: the boolean Услуга). An item whose type is one of `serviceTypes` (or
   * true) is a service: no stock to check. null = the catalog has no such field (every item is goods).
   */
  itemTypeField: name.nullable().default('ТипНоменклатуры'),
  serviceTypes: z.array(name).default(['Услуга', 'Работа']),
  warehouseCatalog: name.default('Catalog_Склады'),
  stockRegister: name.default('AccumulationRegister_СвободныеОстатки'),
  stockColumns: z
    .object({ onHand: name, reserve: name.nullable() })
    .default({ onHand: 'ВНаличииBalance', reserve: 'ВРезервеСоСкладаBalance' }),
  stockDimensions: z
    .object({ item: name, warehouse: name })
    .default({ item: 'Номенклатура_Key', warehouse: 'Склад_Key' }),
  /**
   * 1C's Balance table has no row for an item/warehouse whose balance is zero: with this on, every
   * known warehouse without a row is reported as 0 free rather than left unknown.
   */
  zeroFillWarehouses: z.boolean().default(true),
  /** Prices from a periodic information register's SliceLast; null = items carry no price. */
  prices: z
    .object({
      register: name,
      column: name,
      itemDimension: name.default('Номенклатура_Key'),
      /** Extra Condition, e.g. `ВидЦены_Key eq guid'...'` when the register holds several price types. */
      condition: z.string().optional(),
    })
    .nullable()
    .default({
      register: 'InformationRegister_ЦеныНоменклатуры',
      column: 'Цена',
      itemDimension: 'Номенклатура_Key',
    }),

  customerCatalog: name.default('Catalog_Контрагенты'),
  innField: name.default('ИНН'),
  /** Tabular section of the customer catalog with phones and e-mails (published as `<Catalog>_<Section>`). */
  contactSection: name.default('КонтактнаяИнформация'),
  contactTypes: z
    .object({ phone: name, email: name })
    .default({ phone: 'Телефон', email: 'АдресЭлектроннойПочты' }),

  invoiceDocument: name.default('Document_СчетНаОплатуКлиенту'),
  orderDocument: name.default('Document_ЗаказКлиента'),
  documentCustomerField: name.default('Контрагент_Key'),
  documentSumField: name.default('СуммаДокумента'),
  goodsSection: name.default('Товары'),
  /** Where createInvoice writes `erp-bridge:<idempotencyKey>` and later looks for it. */
  markerField: name.default('Комментарий'),
  /** Merged into every created invoice: Организация_Key, Валюта_Key, ХозяйственнаяОперация, ... */
  invoiceDefaults: z.record(z.string(), z.unknown()).default({}),

  /**
   * Issue 15, invoice states. 1C keeps no "paid" flag on an invoice: its payment state is what the
   * payment documents say, each naming the invoice in a row of its payment breakdown.
   * UNCONFIRMED beyond UT 11 / KA / ERP: the documents (add Document_ПриходныйКассовыйОрдер,
   * Document_ОперацияПоПлатежнойКарте for cash and card), the section and its field names.
   */
  paymentDocuments: z.array(name).default(['Document_ПоступлениеБезналичныхДенежныхСредств']),
  paymentSection: name.default('РасшифровкаПлатежа'),
  /** A composite reference (UT 11, compared through cast()), or one of a single type named `<Field>_Key` (BP 3.0 `СчетНаОплату_Key`). */
  paymentInvoiceField: name.default('ОснованиеПлатежа'),
  paymentSumField: name.default('Сумма'),
  /** UNCONFIRMED: UT 11's "annulled" flag of an invoice; null = only DeletionMark cancels. */
  invoiceCancelledField: name.nullable().default('Аннулирован'),

  /** Issue 15, orders with a reserve (UT 11 Document_ЗаказКлиента, the document `orderDocument` names). */
  /** Where createOrder writes `erp-bridge:<idempotencyKey>` and looks for it before creating. */
  orderKeyField: name.default('Комментарий'),
  /** UNCONFIRMED: the status property and the value that lets an order reserve (УТ 11 «К выполнению»). */
  orderStatusField: name.nullable().default('Статус'),
  orderOpenStatus: name.default('КВыполнению'),
  /** UNCONFIRMED: the line's provision variant (УТ 11 ВариантОбеспечения) and its values. */
  reserveField: name.default('ВариантОбеспечения'),
  /** `reserve` holds free stock at the line's warehouse (УТ 11 «Со склада»); `none` reserves nothing now. */
  reserveValues: z
    .object({ reserve: name, none: name })
    .default({ reserve: 'СоСклада', none: 'КОбеспечению' }),
  /** UNCONFIRMED: the line's warehouse (UT 11 Товары.Склад_Key; the header's Склад_Key gets the first line's). */
  lineWarehouseField: name.default('Склад_Key'),
  /** Merged into every created order: Организация_Key, Партнер_Key, Соглашение_Key, Валюта_Key, ... */
  orderDefaults: z.record(z.string(), z.unknown()).default({}),

  /** null = the settlements register is not used (summary balance is then null). */
  settlementsRegister: name.nullable().default('AccumulationRegister_РасчетыСКлиентами'),
  settlementsColumn: name.default('СуммаBalance'),
  settlementsDimension: name.default('Контрагент_Key'),

  currency: z.string().length(3).default('RUB'),
  /** The infobase's time zone: 1C writes local times without an offset. Moscow has no DST. */
  utcOffset: z
    .string()
    .regex(/^[+-]\d{2}:\d{2}$/)
    .default('+03:00'),
  /** e.g. `e1c://server/srv1c/trade` -> links open the object in the 1C client; absent = no links. */
  linkBase: z.string().optional(),
  /**
   * How quotes inside a virtual table's Condition are written: `raw` (`guid'...'`, as 1C's own
   * examples show) or `doubled` (`guid''...''`, strict OData string escaping).
   */
  conditionQuoting: z.enum(['raw', 'doubled']).default('raw'),
  skuCacheTtlMs: z
    .number()
    .int()
    .min(0)
    .default(10 * 60_000),
  /** Unknown SKUs are remembered shorter, so an item added in 1C shows up soon. */
  skuMissTtlMs: z.number().int().min(0).default(60_000),
  warehouseCacheTtlMs: z
    .number()
    .int()
    .min(0)
    .default(10 * 60_000),
});

export type OneCConnectorInput = z.input<typeof OneCConnectorOptions> & {
  fetch?: typeof fetch;
  /** Sees every request sent to 1C (the request journal). */
  onExchange?: ExchangeObserver;
};
export type OneCOptions = z.output<typeof OneCConnectorOptions>;

/** Fails at construction with one readable line rather than on the first request. */
export function resolveOneCOptions(input: OneCConnectorInput): OneCOptions {
  const { fetch: _fetch, onExchange: _onExchange, ...rest } = input;
  const result = OneCConnectorOptions.safeParse(rest);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`1C connector: invalid options (${issues})`);
  }
  return result.data;
}
