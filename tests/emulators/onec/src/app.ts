import { type Context, Hono } from 'hono';
import { infobaseAuth } from './auth.js';
import { type CallLogEntry, callLog } from './call-log.js';
import { BodyError, createDocument, postDocument } from './documents.js';
import { type FaultState, faultMiddleware, type OneCLoopFaults } from './faults.js';
import { FilterError, type Row } from './filter.js';
import { completeRow } from './loop-entities.js';
import { metadataXml } from './metadata.js';
import { ODATA_CODES, odataError } from './odata-error.js';
import type { ResolvedOptions } from './options.js';
import { createOrder, postOrder, unpostOrder } from './orders.js';
import { parseVirtualTableParams } from './params.js';
import { applyQuery, selectFields } from './query.js';
import { ORDER_DOCUMENT } from './seed.js';
import type { EntitySet, OneCState } from './state.js';
import { balance, balanceFields, sliceLast, sliceLastFields } from './virtual-tables.js';

const NAME = '[\\p{L}\\p{N}_]+';
const ENTITY = new RegExp(`^(${NAME})\\(guid'([^']*)'\\)$`, 'u');
const ACTION = new RegExp(`^(${NAME})\\(guid'([^']*)'\\)/(Post|Unpost)\\(\\)$`, 'u');
const VIRTUAL = new RegExp(`^(${NAME})/(Balance|SliceLast)(?:\\((.*)\\))?$`, 'su');
const COLLECTION = new RegExp(`^${NAME}$`, 'u');

interface Collection {
  fields: string[];
  rows: Row[];
  set?: EntitySet;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The whole emulator, composed in one visible place. */
export function buildApp(
  opts: ResolvedOptions,
  state: OneCState,
  faults: FaultState,
  calls: CallLogEntry[],
  loopFaults?: OneCLoopFaults,
): Hono {
  const base = opts.basePath;
  const resourceOf = (url: URL) => safeDecode(url.pathname.slice(base.length)).replace(/^\//, '');

  const collection = (name: string): Collection | undefined => {
    if (state.unpublished.has(name)) return undefined;
    const set = state.sets.get(name);
    if (set) return { fields: set.fields, rows: set.rows, set };
    // Tabular sections are published as their own entity sets: <Set>_<Section>, keyed by the owner's Ref_Key.
    for (const owner of state.sets.values()) {
      for (const [section, fields] of Object.entries(owner.sections)) {
        if (`${owner.name}_${section}` !== name || state.unpublished.has(owner.name)) continue;
        const rows = owner.rows.flatMap((r) =>
          ((r[section] ?? []) as Row[]).map((line) => ({ Ref_Key: r.Ref_Key, ...line })),
        );
        return { fields: ['Ref_Key', 'LineNumber', ...fields], rows };
      }
    }
    const register = state.registers.get(name);
    if (register?.kind === 'information') {
      return { fields: ['Period', ...register.dimensions, ...register.resources], rows: register.rows };
    }
    return undefined;
  };

  const json = (c: Context, body: unknown, status: 200 | 201 = 200) =>
    c.body(JSON.stringify(body), status, { 'Content-Type': 'application/json;charset=utf-8' });
  const list = (c: Context, root: string, name: string, value: Row[]) =>
    json(c, { 'odata.metadata': `${root}/$metadata#${name}`, value });
  const element = (c: Context, root: string, name: string, row: Row, status: 200 | 201 = 200) =>
    json(c, { 'odata.metadata': `${root}/$metadata#${name}/@Element`, ...row }, status);
  const notFound = (c: Context, what: string) =>
    odataError(c, 404, ODATA_CODES.notFound, `Не найден ресурс: ${what}`);

  const app = new Hono();
  app.use('*', callLog(calls));
  app.use('*', faults.proxy.middleware());
  app.use('*', faultMiddleware(faults, resourceOf));
  if (loopFaults) {
    app.use(
      '*',
      loopFaults.middleware({
        lostAnswer: () =>
          new Response('<html><body><h1>502 Bad Gateway</h1></body></html>', {
            status: 502,
            headers: { 'Content-Type': 'text/html' },
          }),
        replay: (req) => app.fetch(req),
        targetOf: (c) => {
          const url = new URL(c.req.url);
          return { method: c.req.method, path: url.pathname, resource: resourceOf(url) };
        },
      }),
    );
  }
  app.use('*', infobaseAuth(opts.user, opts.password));

  app.all('*', async (c) => {
    const url = new URL(c.req.url);
    if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return c.text('Not Found', 404);
    const root = `${url.origin}${base}`;
    const resource = resourceOf(url);
    const q = url.searchParams;
    const method = c.req.method;

    if (resource === '$metadata')
      return c.body(metadataXml(state), 200, { 'Content-Type': 'application/xml' });
    const wantsJson = q.get('$format') === 'json' || /application\/json/.test(c.req.header('Accept') ?? '');
    if (!wantsJson) {
      // 1C would answer Atom XML; nobody we emulate for reads it, so the emulator says so plainly.
      return odataError(
        c,
        406,
        ODATA_CODES.badQuery,
        'Эмулятор отвечает только в JSON: добавьте $format=json',
      );
    }

    try {
      if (resource === '') {
        const names = [...state.sets.keys(), ...state.registers.keys()].filter(
          (n) => !state.unpublished.has(n),
        );
        return json(c, {
          'odata.metadata': `${root}/$metadata`,
          value: names.map((n) => ({ name: n, url: n })),
        });
      }

      const action = ACTION.exec(resource);
      if (action) {
        const [, name = '', key = '', verb] = action;
        const set = state.unpublished.has(name) ? undefined : state.sets.get(name);
        if (!set?.name.startsWith('Document_')) return notFound(c, name);
        if (method !== 'POST')
          return odataError(c, 405, ODATA_CODES.badQuery, `${verb}() вызывается методом POST`);
        const doc = set.rows.find((r) => r.Ref_Key === key.toLowerCase());
        if (!doc) return notFound(c, `${name}(guid'${key}')`);
        const isOrder = name === ORDER_DOCUMENT;
        if (verb === 'Unpost') {
          if (isOrder) unpostOrder(state, doc);
          else doc.Posted = false;
          return c.body(null, 200);
        }
        const refusal = isOrder ? postOrder(state, doc) : postDocument(state, doc);
        if (refusal)
          return odataError(c, 400, ODATA_CODES.cannotPost, `Не удалось провести документ: ${refusal}`);
        return c.body(null, 200);
      }

      const entity = ENTITY.exec(resource);
      if (entity) {
        const [, name = '', key = ''] = entity;
        const set = state.unpublished.has(name) ? undefined : state.sets.get(name);
        if (!set) return notFound(c, name);
        if (method !== 'GET')
          return odataError(c, 405, ODATA_CODES.badQuery, `Метод ${method} не поддерживается`);
        const row = set.rows.find((r) => r.Ref_Key === key.toLowerCase());
        if (!row) return notFound(c, `${name}(guid'${key}')`);
        return element(c, root, name, selectFields(row, set.fields, q.get('$select')));
      }

      const virtual = VIRTUAL.exec(resource);
      if (virtual) {
        const [, name = '', table = '', rawParams = ''] = virtual;
        const register = state.unpublished.has(name) ? undefined : state.registers.get(name);
        if (!register) return notFound(c, name);
        if (method !== 'GET')
          return odataError(c, 405, ODATA_CODES.badQuery, `Метод ${method} не поддерживается`);
        const params = parseVirtualTableParams(rawParams);
        if (table === 'Balance') {
          if (register.kind !== 'accumulation') return notFound(c, `${name}/${table}`);
          if (faults.corruptNext) {
            faults.corruptNext = false;
            const rows = balance(register, params).map((row) =>
              Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/_Key$/, ''), String(v)])),
            );
            return list(c, root, `${name}_Balance`, rows);
          }
          const rows = applyQuery(balance(register, params), balanceFields(register), q);
          return list(c, root, `${name}_Balance`, rows);
        }
        if (register.kind !== 'information') return notFound(c, `${name}/${table}`);
        return list(
          c,
          root,
          `${name}_SliceLast`,
          applyQuery(sliceLast(register, params), sliceLastFields(register), q),
        );
      }

      if (COLLECTION.test(resource)) {
        const coll = collection(resource);
        if (!coll) return notFound(c, resource);
        if (method === 'POST') {
          if (!coll.set?.name.startsWith('Document_')) {
            return odataError(c, 405, ODATA_CODES.badQuery, 'Эмулятор создаёт только документы');
          }
          const body = await c.req.json().catch(() => undefined);
          const set = coll.set;
          const create = () => {
            if (set.name === ORDER_DOCUMENT) return createOrder(state, set, body);
            const row = createDocument(state, set, body);
            completeRow(state, set, row);
            return row;
          };
          return element(c, root, resource, structuredClone(create()), 201);
        }
        if (method !== 'GET')
          return odataError(c, 405, ODATA_CODES.badQuery, `Метод ${method} не поддерживается`);
        return list(c, root, resource, applyQuery(coll.rows, coll.fields, q));
      }
      return notFound(c, resource);
    } catch (err) {
      if (err instanceof FilterError)
        return odataError(c, 400, ODATA_CODES.badQuery, `Ошибка разбора запроса: ${err.message}`);
      if (err instanceof BodyError) return odataError(c, 400, ODATA_CODES.badBody, err.message);
      throw err;
    }
  });

  app.onError((err, c) => {
    console.error('[onec-emulator]', err);
    return odataError(c, 500, ODATA_CODES.internal, err instanceof Error ? err.message : String(err));
  });
  return app;
}
