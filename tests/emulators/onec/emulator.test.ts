import { describe, expect, it } from 'vitest';
import { CUSTOMERS } from '../../fixtures/erp-dataset.js';
import { createOneCEmulator } from './src/index.js';

const USER = 'Администратор';
const PASSWORD = 'секрет';
const ROOT = 'http://1c.test/trade/odata/standard.odata';
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`, 'utf8').toString('base64')}`;
const enc = (s: string) =>
  encodeURIComponent(s).replace(/%2F/g, '/').replace(/%3D/g, '=').replace(/%2C/g, ',');

function setup() {
  const emulator = createOneCEmulator({ user: USER, password: PASSWORD });
  const request = async (resource: string, query = '', init: RequestInit = {}) => {
    const res = await emulator.app.request(`${ROOT}/${enc(resource)}?$format=json${query}`, {
      ...init,
      headers: { Authorization: AUTH, ...(init.headers as Record<string, string>) },
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  return { emulator, request };
}

describe('1C emulator: auth', () => {
  it('answers 401 with a Basic challenge without credentials or with a wrong password', async () => {
    const { emulator } = setup();
    const none = await emulator.app.request(`${ROOT}/${enc('Catalog_Склады')}?$format=json`);
    expect(none.status).toBe(401);
    expect(none.headers.get('WWW-Authenticate')).toMatch(/^Basic/);
    const wrong = await emulator.app.request(`${ROOT}/${enc('Catalog_Склады')}?$format=json`, {
      headers: { Authorization: `Basic ${Buffer.from(`${USER}:nope`).toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    expect(emulator.calls.map((c) => c.status)).toEqual([401, 401]);
  });

  it('accepts a Cyrillic infobase user encoded as UTF-8', async () => {
    const { request } = setup();
    expect((await request('Catalog_Склады')).status).toBe(200);
  });
});

describe('1C emulator: collections and $filter', () => {
  it('answers a collection with odata.metadata and value', async () => {
    const { request } = setup();
    const res = await request('Catalog_Склады');
    expect(res.body['odata.metadata']).toBe(`${ROOT}/$metadata#Catalog_Склады`);
    expect(res.body.value.map((w: { Description: string }) => w.Description).sort()).toEqual([
      'Москва, основной',
      'Санкт-Петербург',
    ]);
  });

  it("filters by Cyrillic names, URL-encoded: Артикул eq 'A' or Артикул eq 'B', with $select", async () => {
    const { request } = setup();
    const filter = encodeURIComponent(
      "(Артикул eq 'DRL-18V' or Артикул eq 'TAPE-50') and DeletionMark eq false",
    );
    const res = await request('Catalog_Номенклатура', `&$filter=${filter}&$select=Ref_Key,Артикул`);
    expect(res.status).toBe(200);
    expect(res.body.value.map((r: { Артикул: string }) => r.Артикул).sort()).toEqual(['DRL-18V', 'TAPE-50']);
    expect(Object.keys(res.body.value[0]).sort()).toEqual(['Ref_Key', 'Артикул']);
  });

  it('compares strings without regard to case, like 1C', async () => {
    const { request } = setup();
    const res = await request(
      'Catalog_Контрагенты',
      `&$filter=${encodeURIComponent("substringof('РОМАШКА', Description)")}`,
    );
    expect(res.body.value).toHaveLength(1);
  });

  it('filters by INN and returns the contact information section', async () => {
    const { request } = setup();
    const res = await request('Catalog_Контрагенты', `&$filter=${encodeURIComponent("ИНН eq '7701234567'")}`);
    const [romashka] = res.body.value;
    expect(romashka.Description).toBe('ООО «Ромашка»');
    expect(romashka.КонтактнаяИнформация.map((c: { Тип: string }) => c.Тип)).toEqual([
      'Телефон',
      'АдресЭлектроннойПочты',
    ]);
  });

  it('publishes a tabular section as its own entity set', async () => {
    const { request } = setup();
    const filter = encodeURIComponent("Тип eq 'Телефон' and substringof('00', Представление)");
    const res = await request('Catalog_Контрагенты_КонтактнаяИнформация', `&$filter=${filter}`);
    expect(res.body.value.map((r: { Представление: string }) => r.Представление).sort()).toEqual(
      CUSTOMERS.filter((c) => c.phone.includes('00'))
        .map((c) => c.phone)
        .sort(),
    );
  });

  it('supports $orderby, $top and $skip', async () => {
    const { request } = setup();
    const res = await request('Catalog_Номенклатура', '&$orderby=Code desc&$top=2&$skip=1&$select=Code');
    // 00-00000099 (the card marked for deletion) first, then the service card 00-00000007.
    expect(res.body.value.map((r: { Code: string }) => r.Code)).toEqual(['00-00000007', '00-00000006']);
  });

  it('answers a key with a single object and an unknown key or resource with 404 odata.error', async () => {
    const { emulator, request } = setup();
    const id = emulator.state.refs.customers.romashka;
    const one = await request(`Catalog_Контрагенты(guid'${id}')`, '&$select=Ref_Key,ИНН');
    expect(one.body).toEqual({
      'odata.metadata': `${ROOT}/$metadata#Catalog_Контрагенты/@Element`,
      Ref_Key: id,
      ИНН: '7701234567',
    });
    const missing = await request(`Catalog_Контрагенты(guid'00000000-0000-0000-0000-000000000001')`);
    expect(missing.status).toBe(404);
    expect(missing.body['odata.error']).toMatchObject({ code: expect.any(String), message: { lang: 'ru' } });
    expect((await request('Catalog_НетТакого')).status).toBe(404);
  });

  it('answers a bad filter or an unknown property with 400 odata.error', async () => {
    const { request } = setup();
    for (const filter of ["Артикул eq 'x", 'Артикул eq', "НетПоля eq 'x'", "guid'zzz' eq Ref_Key"]) {
      const res = await request('Catalog_Номенклатура', `&$filter=${encodeURIComponent(filter)}`);
      expect(res.status, filter).toBe(400);
      expect(res.body['odata.error'].message.value, filter).toBeTruthy();
    }
  });
});

describe('1C emulator: virtual tables', () => {
  const stock = 'AccumulationRegister_СвободныеОстатки';

  it('answers Balance with a Condition on item keys, raw or OData-escaped quotes', async () => {
    const { emulator, request } = setup();
    const drill = emulator.state.refs.items['DRL-18V'];
    const tape = emulator.state.refs.items['TAPE-50'];
    const raw = `Номенклатура_Key eq guid'${drill}' or Номенклатура_Key eq guid'${tape}'`;
    for (const condition of [raw, raw.replaceAll("'", "''")]) {
      const res = await request(
        `${stock}/Balance(Period=datetime'2026-12-01T00:00:00',Condition='${condition}')`,
      );
      expect(res.status).toBe(200);
      expect(res.body['odata.metadata']).toBe(`${ROOT}/$metadata#${stock}_Balance`);
      expect(res.body.value).toHaveLength(4);
      const msk = res.body.value.find(
        (r: Record<string, unknown>) =>
          r.Номенклатура_Key === drill && r.Склад_Key === emulator.state.refs.warehouses.msk,
      );
      expect(msk).toEqual({
        Номенклатура_Key: drill,
        Склад_Key: emulator.state.refs.warehouses.msk,
        ВНаличииBalance: 24,
        ВРезервеСоСкладаBalance: 4,
      });
    }
  });

  it('omits all-zero balances, as 1C does', async () => {
    const { emulator, request } = setup();
    const saw = emulator.state.refs.items['SAW-CIRC-190'];
    const res = await request(`${stock}/Balance(Condition='Номенклатура_Key eq guid'${saw}'')`);
    expect(res.body.value).toHaveLength(1);
  });

  it('answers SliceLast with the latest price', async () => {
    const { emulator, request } = setup();
    const drill = emulator.state.refs.items['DRL-18V'];
    const res = await request(
      `InformationRegister_ЦеныНоменклатуры/SliceLast(Condition='Номенклатура_Key eq guid'${drill}'')`,
    );
    expect(res.body.value.map((r: { Цена: number }) => r.Цена)).toEqual([8990]);
  });

  it('keeps the client debt positive in the settlements register', async () => {
    const { emulator, request } = setup();
    const romashka = emulator.state.refs.customers.romashka;
    const res = await request(
      `AccumulationRegister_РасчетыСКлиентами/Balance(Condition='Контрагент_Key eq guid'${romashka}'')`,
    );
    expect(res.body.value).toEqual([{ Контрагент_Key: romashka, СуммаBalance: 15000.5 }]);
  });

  it('corrupts exactly the next Balance answer on request', async () => {
    const { emulator, request } = setup();
    emulator.faults.corruptNext();
    await request('Catalog_Склады');
    const bad = await request(`${stock}/Balance()`);
    expect(typeof bad.body.value[0].ВНаличииBalance).toBe('string');
    const good = await request(`${stock}/Balance()`);
    expect(typeof good.body.value[0].ВНаличииBalance).toBe('number');
  });
});

describe('1C emulator: documents', () => {
  const invoice = 'Document_СчетНаОплатуКлиенту';

  it('creates an unposted document (201, numbered) and posts it with Post()', async () => {
    const { emulator, request } = setup();
    const created = await request(invoice, '', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        Date: '2026-11-20T10:00:00',
        Контрагент_Key: emulator.state.refs.customers.petrov,
        Комментарий: 'erp-bridge:k1',
        Товары: [{ Номенклатура_Key: emulator.state.refs.items['DRL-18V'], Количество: 2, Цена: 8990 }],
      }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      'odata.metadata': `${ROOT}/$metadata#${invoice}/@Element`,
      Number: '0000-000123',
      Posted: false,
      СуммаДокумента: 17980,
      Товары: [{ LineNumber: '1', Сумма: 17980 }],
    });
    const posted = await request(`${invoice}(guid'${created.body.Ref_Key}')/Post()`, '', { method: 'POST' });
    expect(posted.status).toBe(200);
    const found = await request(
      invoice,
      `&$filter=${encodeURIComponent("substringof('erp-bridge:k1', Комментарий)")}`,
    );
    expect(found.body.value.map((d: { Posted: boolean }) => d.Posted)).toEqual([true]);
  });

  it('refuses to post a document without goods and refuses unknown properties', async () => {
    const { emulator, request } = setup();
    const created = await request(invoice, '', {
      method: 'POST',
      body: JSON.stringify({ Контрагент_Key: emulator.state.refs.customers.petrov }),
    });
    const post = await request(`${invoice}(guid'${created.body.Ref_Key}')/Post()`, '', { method: 'POST' });
    expect(post.status).toBe(400);
    expect(post.body['odata.error'].message.value).toMatch(/Товары/);
    const bad = await request(invoice, '', { method: 'POST', body: JSON.stringify({ Нет: 1 }) });
    expect(bad.status).toBe(400);
  });

  it('keeps document dates in Moscow local time without an offset', async () => {
    const { emulator, request } = setup();
    const filter = encodeURIComponent(`Контрагент_Key eq guid'${emulator.state.refs.customers.romashka}'`);
    const res = await request('Document_ЗаказКлиента', `&$filter=${filter}&$orderby=Date desc`);
    expect(res.body.value.map((d: { Date: string }) => d.Date)).toEqual([
      '2026-11-12T15:05:00',
      '2026-10-02T11:20:00',
    ]);
  });
});

describe('1C emulator: faults', () => {
  it('fails the next n matching requests, then recovers; outage answers 503', async () => {
    const { emulator, request } = setup();
    emulator.faults.failNext(2, 500, (r) => r.resource.startsWith('Catalog_Склады'));
    expect((await request('Catalog_Номенклатура')).status).toBe(200);
    expect((await request('Catalog_Склады')).status).toBe(500);
    expect((await request('Catalog_Склады')).body['odata.error']).toBeDefined();
    expect((await request('Catalog_Склады')).status).toBe(200);
    emulator.faults.outage(true);
    const down = await emulator.app.request(`${ROOT}/${enc('Catalog_Склады')}?$format=json`, {
      headers: { Authorization: AUTH },
    });
    expect(down.status).toBe(503);
    emulator.faults.outage(false);
    expect(emulator.calls.at(-1)).toMatchObject({
      method: 'GET',
      path: '/trade/odata/standard.odata/Catalog_Склады',
      status: 503,
    });
  });
});

describe('1C emulator: the loop entities (issue 15)', () => {
  const stock = 'AccumulationRegister_СвободныеОстатки';
  const orders = 'Document_ЗаказКлиента';
  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const drillReserve = async (request: ReturnType<typeof setup>['request'], drill: string, wh: string) => {
    const condition = `Номенклатура_Key eq guid'${drill}' and Склад_Key eq guid'${wh}'`;
    const res = await request(`${stock}/Balance(Condition='${condition}')`);
    return (res.body.value[0]?.ВРезервеСоСкладаBalance as number | undefined) ?? 0;
  };

  it('an order К выполнению reserves its СоСклада lines when posted; Unpost() releases them', async () => {
    const { emulator, request } = setup();
    const { items, warehouses, customers } = emulator.state.refs;
    const drill = items['DRL-18V'] as string;
    const msk = warehouses.msk as string;
    const before = await drillReserve(request, drill, msk);
    const line = { Номенклатура_Key: drill, Количество: 3, Цена: 8990, Склад_Key: msk };
    const created = await request(
      orders,
      '',
      json({
        Контрагент_Key: customers.petrov,
        Статус: 'КВыполнению',
        Товары: [
          { ...line, ВариантОбеспечения: 'СоСклада' },
          { ...line, Количество: 2, ВариантОбеспечения: 'КОбеспечению' },
        ],
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ Posted: false, Статус: 'КВыполнению' });
    expect(await drillReserve(request, drill, msk)).toBe(before);
    const ref = created.body.Ref_Key as string;
    expect((await request(`${orders}(guid'${ref}')/Post()`, '', { method: 'POST' })).status).toBe(200);
    expect(await drillReserve(request, drill, msk)).toBe(before + 3);
    // Posting again rewrites the record set: still one reserve.
    await request(`${orders}(guid'${ref}')/Post()`, '', { method: 'POST' });
    expect(await drillReserve(request, drill, msk)).toBe(before + 3);
    await request(`${orders}(guid'${ref}')/Unpost()`, '', { method: 'POST' });
    expect(await drillReserve(request, drill, msk)).toBe(before);
  });

  it('an order not yet approved reserves nothing; an enumeration value 1C does not have is refused', async () => {
    const { emulator, request } = setup();
    const drill = emulator.state.refs.items['DRL-18V'] as string;
    const msk = emulator.state.refs.warehouses.msk as string;
    const before = await drillReserve(request, drill, msk);
    const line = { Номенклатура_Key: drill, Количество: 1, Склад_Key: msk, ВариантОбеспечения: 'СоСклада' };
    const draft = await request(
      orders,
      '',
      json({ Контрагент_Key: emulator.state.refs.customers.petrov, Товары: [line] }),
    );
    expect(draft.body.Статус).toBe('НеСогласован');
    await request(`${orders}(guid'${draft.body.Ref_Key}')/Post()`, '', { method: 'POST' });
    expect(await drillReserve(request, drill, msk)).toBe(before);
    const bad = await request(orders, '', json({ Товары: [{ ...line, ВариантОбеспечения: 'Резерв' }] }));
    expect(bad.status).toBe(400);
    expect(bad.body['odata.error'].message.value).toContain('ВариантыОбеспечения');
  });

  it('finds payment rows by a typed reference: cast(guid, type) matches the value and its _Type', async () => {
    const { emulator, request } = setup();
    const invoice = emulator.state.sets.get('Document_СчетНаОплатуКлиенту')?.rows[0]?.Ref_Key as string;
    const payment = emulator.loop.pay(invoice, 100);
    const section = 'Document_ПоступлениеБезналичныхДенежныхСредств_РасшифровкаПлатежа';
    const byType = async (type: string) =>
      (
        await request(
          section,
          `&$filter=${encodeURIComponent(`ОснованиеПлатежа eq cast(guid'${invoice}', '${type}')`)}`,
        )
      ).body.value as { Ref_Key: string; Сумма: number }[];
    expect(await byType('Document_СчетНаОплатуКлиенту')).toEqual([
      expect.objectContaining({ Ref_Key: payment, Сумма: 100 }),
    ]);
    expect(await byType('Document_ЗаказКлиента')).toEqual([]);
  });

  it('loses the answer to a write it made, and runs a duplicated create twice', async () => {
    const { emulator, request } = setup();
    const invoices = () => emulator.state.sets.get('Document_СчетНаОплатуКлиенту')?.rows.length ?? 0;
    const body = json({ Контрагент_Key: emulator.state.refs.customers.petrov, Товары: [] });
    const before = invoices();
    emulator.loopFaults.loseNextAnswer(1, (r) => r.method === 'POST');
    const lost = await emulator.app.request(`${ROOT}/${enc('Document_СчетНаОплатуКлиенту')}?$format=json`, {
      ...body,
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
    });
    expect(lost.status).toBe(502);
    expect(invoices()).toBe(before + 1);
    emulator.loopFaults.duplicateNext(1);
    expect((await request('Document_СчетНаОплатуКлиенту', '', body)).status).toBe(201);
    expect(invoices()).toBe(before + 3);
  });
});
