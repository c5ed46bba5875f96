/**
 * Demo data of the emulated amoCRM account. Constants only: `state.ts` turns them into a fresh,
 * mutable state per emulator instance. The server's demo setup and the tests import these ids.
 */

export const DEMO_ACCOUNT = {
  id: 31000001,
  subdomain: 'erpbridgedemo',
  name: 'ERP Bridge Demo',
  domain: 'amocrm.ru',
  currency: 'RUB',
  country: 'RU',
  /** The sandbox's signed-in user (a manager). */
  userId: 5100001,
  userEmail: 'manager@erpbridge.demo',
  userName: 'Анна Смирнова',
  /** A second user, the account admin; responsible for some deals. */
  adminUserId: 5100002,
  adminUserEmail: 'admin@erpbridge.demo',
  adminUserName: 'Олег Ковалёв',
  pipelineId: 8001,
  productsCatalogId: 7001,
  invoicesCatalogId: 7002,
  skuFieldCode: 'SKU',
  priceFieldCode: 'PRICE',
  skuFieldId: 710001,
  priceFieldId: 710003,
} as const;

/** Seconds since the epoch, like every amoCRM timestamp. Fixed so responses are reproducible. */
export const SEED_TIME = 1_767_225_600; // 2026-01-01T00:00:00Z

export const WON_STATUS_ID = 142;
export const LOST_STATUS_ID = 143;

export const DEMO_PIPELINE = {
  id: DEMO_ACCOUNT.pipelineId,
  name: 'Воронка',
  statuses: [
    { id: 80011, name: 'Первичный контакт', color: '#99ccff', sort: 10 },
    { id: 80012, name: 'Переговоры', color: '#ffff99', sort: 20 },
    { id: 80013, name: 'Счёт выставлен', color: '#ffcc66', sort: 30 },
    { id: WON_STATUS_ID, name: 'Успешно реализовано', color: '#ccff66', sort: 10000 },
    { id: LOST_STATUS_ID, name: 'Закрыто и не реализовано', color: '#d5d8db', sort: 11000 },
  ],
} as const;

/**
 * User groups as GET /api/v4/account?with=users_groups lists them; 0 is the account's main group
 * (https://www.amocrm.ru/developers/content/crm_platform/account-info).
 */
export const DEMO_USER_GROUPS = [
  { id: 0, name: 'Отдел продаж' },
  { id: 350001, name: 'Склад' },
] as const;

export const DEMO_USERS = [
  {
    id: DEMO_ACCOUNT.userId,
    name: DEMO_ACCOUNT.userName,
    email: DEMO_ACCOUNT.userEmail,
    isAdmin: false,
    groupId: 0,
  },
  {
    id: DEMO_ACCOUNT.adminUserId,
    name: DEMO_ACCOUNT.adminUserName,
    email: DEMO_ACCOUNT.adminUserEmail,
    isAdmin: true,
    groupId: 350001,
  },
] as const;

/** Fields of the products catalog. Codes follow amoCRM's standard products list. */
export const PRODUCT_FIELDS = [
  { id: DEMO_ACCOUNT.skuFieldId, name: 'Артикул', code: DEMO_ACCOUNT.skuFieldCode, type: 'text', sort: 10 },
  { id: 710002, name: 'Описание', code: 'DESCRIPTION', type: 'textarea', sort: 20 },
  { id: DEMO_ACCOUNT.priceFieldId, name: 'Цена', code: DEMO_ACCOUNT.priceFieldCode, type: 'price', sort: 30 },
  { id: 710004, name: 'Группа', code: 'GROUP', type: 'category', sort: 40 },
  { id: 710005, name: 'Внешний ID', code: 'EXTERNAL_ID', type: 'text', sort: 50 },
  { id: 710006, name: 'Единица измерения', code: 'UNIT', type: 'text', sort: 60 },
] as const;

export interface ProductSeed {
  id: number;
  name: string;
  /** null = the element has no SKU value at all (a service, say). */
  sku: string | null;
  price: number;
  unit: string;
}

export const DEMO_PRODUCTS = [
  { id: 500101, name: 'Дрель-шуруповёрт 18 В', sku: 'DRL-18V', price: 8990, unit: 'шт' },
  { id: 500102, name: 'Пила циркулярная 190 мм', sku: 'SAW-CIRC-190', price: 12450, unit: 'шт' },
  { id: 500103, name: 'Набор бит 32 шт.', sku: 'BIT-SET-32', price: 790.5, unit: 'шт' },
  { id: 500104, name: 'Перчатки нитриловые, размер L', sku: 'GLV-NIT-L', price: 35.9, unit: 'пара' },
  { id: 500105, name: 'Лента монтажная 50 м', sku: 'TAPE-50', price: 249, unit: 'шт' },
  { id: 500106, name: 'Кабель ВВГнг 3×2,5 (м)', sku: 'CBL-VVG-2.5', price: 98.4, unit: 'м' },
  { id: 500107, name: 'Услуга доставки', sku: null, price: 1500, unit: 'усл' },
  { id: 500108, name: 'Снятый с производства товар', sku: 'NOPE-404', price: 100, unit: 'шт' },
] as const satisfies readonly ProductSeed[];

/** Fields of contacts: amoCRM's predefined multitext PHONE and EMAIL (values carry enum_code). */
export const CONTACT_FIELDS = {
  phone: { id: 730001, name: 'Телефон', code: 'PHONE', type: 'multitext' },
  email: { id: 730002, name: 'Email', code: 'EMAIL', type: 'multitext' },
} as const;

/** Fields of companies: PHONE, and an ИНН (tax id) text field, which amoCRM has no code for. */
export const COMPANY_FIELDS = {
  phone: { id: 740001, name: 'Телефон', code: 'PHONE', type: 'multitext' },
  inn: { id: 740002, name: 'ИНН', code: null, type: 'text' },
} as const;

export const DEMO_COMPANIES = [
  { id: 3001, name: 'ООО Ромашка', phone: '+7 495 100-00-01', inn: '7701234567' },
  // Matches the ERP dataset: 3001 by INN, 3002 by INN; 3003's phone is shared by two ERP customers.
  { id: 3002, name: 'ИП Петров', phone: '+7 916 000-11-22', inn: '500100732259' },
  { id: 3003, name: 'СтройМонтаж', phone: '+7 812 555-00-00', inn: '6658123456' },
] as const;

export const DEMO_CONTACTS = [
  {
    id: 2001,
    name: 'Иван Петров',
    company: 'ООО Ромашка',
    companyId: 3001,
    phone: '+7 916 000-00-01',
    // Found in the ERP by e-mail.
    email: 'zakaz@romashka.example',
  },
  {
    id: 2002,
    name: 'Пётр Петров',
    company: 'ИП Петров',
    companyId: 3002,
    phone: '+7 921 000-00-02',
    email: 'petrov@ip.example',
  },
  {
    id: 2003,
    name: 'Мария Кузнецова',
    company: 'СтройМонтаж',
    companyId: 3003,
    phone: '+7 922 000-00-03',
    email: 'maria@stroymontazh.example',
  },
] as const;

/** Lead custom fields the account starts with (tests and the backend may add more). */
export const DEMO_LEAD_FIELDS = [
  { id: 720001, name: 'Источник', type: 'text', code: null, sort: 510 },
  { id: 720002, name: 'Номер счёта', type: 'text', code: null, sort: 520 },
] as const;

export interface LeadSeed {
  id: number;
  name: string;
  statusId: number;
  responsibleUserId: number;
  contactIds: readonly number[];
  companyId: number | null;
  products: readonly { elementId: number; quantity: number }[];
}

export const DEMO_LEADS = [
  {
    id: 1001,
    name: 'ООО Ромашка — поставка инструмента',
    statusId: 80012,
    responsibleUserId: DEMO_ACCOUNT.userId,
    contactIds: [2001],
    companyId: 3001,
    products: [
      { elementId: 500101, quantity: 2 },
      { elementId: 500102, quantity: 1 },
      { elementId: 500103, quantity: 5 },
    ],
  },
  {
    id: 1002,
    name: 'ИП Петров — расходники',
    statusId: 80011,
    responsibleUserId: DEMO_ACCOUNT.userId,
    contactIds: [2002],
    companyId: 3002,
    products: [
      { elementId: 500104, quantity: 200 },
      { elementId: 500105, quantity: 10 },
    ],
  },
  {
    id: 1003,
    name: 'Новая сделка без товаров',
    statusId: 80011,
    responsibleUserId: DEMO_ACCOUNT.adminUserId,
    contactIds: [],
    companyId: null,
    products: [],
  },
  {
    id: 1004,
    name: 'СтройМонтаж — кабель',
    statusId: 80013,
    responsibleUserId: DEMO_ACCOUNT.adminUserId,
    contactIds: [2003],
    companyId: 3003,
    products: [
      { elementId: 500106, quantity: 120.5 },
      { elementId: 500108, quantity: 1 },
      { elementId: 500107, quantity: 1 },
    ],
  },
] as const satisfies readonly LeadSeed[];
