import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { nginxBadGateway } from '../answer-faults.js';
import { type CallLogEntry as BaseEntry, callLog } from '../call-log.js';
import type { RestFaultState } from '../rest-emulator.js';
import { DomainError, filterDomain } from './domain.js';
import { productLines, valsListOf } from './lines.js';
import { saleOrderCall } from './orders.js';
import { MODELS, type OdooRecord } from './seed.js';

export interface CallLogEntry extends BaseEntry {
  /** The JSON-2 call: model and method. */
  model?: string;
  rpc?: string;
}

/** `proxy` is the nginx in front of Odoo turning requests away with 429. */
export interface OdooState extends RestFaultState {
  db: Map<string, OdooRecord[]>;
  apiKey: string;
  database: string;
  invoiceSeq: number;
}

/** JSON-2's error body: the exception's qualified name, its message and arguments, the traceback. */
export function odooError(c: Context, status: ContentfulStatusCode, name: string, message: string): Response {
  return c.json(
    {
      name,
      message,
      arguments: [message],
      context: {},
      debug: `Traceback (most recent call last):\n  ...\n${name}: ${message}\n`,
    },
    status,
  );
}

export class RpcError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly exception: string,
    message: string,
  ) {
    super(message);
  }
}
export const userError = (m: string) => new RpcError(422, 'odoo.exceptions.UserError', m);
export const valueError = (m: string) => new RpcError(422, 'builtins.ValueError', m);
/** What Odoo raises for an id that is not there; `record` as Odoo prints it, e.g. `account.move(7,)`. */
export const missingError = (record: string) =>
  new RpcError(
    404,
    'odoo.exceptions.MissingError',
    `Record does not exist or has been deleted.\n(Record: ${record})`,
  );

/** UTC, naive, as Odoo writes datetimes. */
export const utcNow = () => new Date().toISOString().slice(0, 19).replace('T', ' ');

type Kwargs = Record<string, unknown>;

export function buildApp(state: OdooState, calls: CallLogEntry[]): Hono {
  const app = new Hono();

  const lookup = (model: string, id: number) => state.db.get(model)?.find((r) => r.id === id);

  function fieldsOf(model: string): Set<string> {
    return new Set(['id', 'display_name', ...(state.db.get(model) ?? []).flatMap((r) => Object.keys(r))]);
  }

  /** What read() answers: many2one as [id, display_name] or false, requested fields only. */
  function present(model: string, rec: OdooRecord, fields: string[] | undefined): Record<string, unknown> {
    const def = MODELS[model];
    const known = fieldsOf(model);
    const wanted = fields && fields.length > 0 ? fields : [...known];
    const out: Record<string, unknown> = { id: rec.id };
    for (const f of wanted) {
      if (!known.has(f)) throw valueError(`Invalid field '${f}' on model '${model}'`);
      if (f === 'display_name') out[f] = def?.displayName(rec);
      else if (def?.many2one[f]) {
        const target = rec[f] ? lookup(def.many2one[f] as string, rec[f] as number) : undefined;
        out[f] = target ? [target.id, MODELS[def.many2one[f] as string]?.displayName(target)] : false;
      } else out[f] = rec[f] ?? false;
    }
    return out;
  }

  function search(model: string, kw: Kwargs): OdooRecord[] {
    let records = (state.db.get(model) ?? []).filter((r) => r.active !== false);
    try {
      records = filterDomain(model, records, kw.domain ?? [], lookup);
    } catch (e) {
      if (e instanceof DomainError) throw valueError(e.message);
      throw e;
    }
    const order = typeof kw.order === 'string' && kw.order ? kw.order : 'id';
    const keys = order.split(',').map((s) => {
      const [field = 'id', dir = 'asc'] = s.trim().split(/\s+/);
      return { field, desc: dir.toLowerCase() === 'desc' };
    });
    records = [...records].sort((a, b) => {
      for (const k of keys) {
        const x = a[k.field] as string | number;
        const y = b[k.field] as string | number;
        if (x !== y) return (x < y ? -1 : 1) * (k.desc ? -1 : 1);
      }
      return 0;
    });
    const offset = Number(kw.offset ?? 0);
    const limit = kw.limit ? Number(kw.limit) : undefined;
    return records.slice(offset, limit === undefined ? undefined : offset + limit);
  }

  function idsOf(kw: Kwargs): number[] {
    const ids = kw.ids;
    if (!Array.isArray(ids) || ids.some((i) => typeof i !== 'number'))
      throw valueError('ids must be a list of integers');
    return ids as number[];
  }

  function createInvoices(kw: Kwargs): number[] {
    const valsList = valsListOf(kw);
    const moves = state.db.get('account.move') as OdooRecord[];
    const lines = state.db.get('account.move.line') as OdooRecord[];
    return valsList.map((vals) => {
      if (vals.move_type !== 'out_invoice') throw userError('Only customer invoices are emulated');
      const partner =
        typeof vals.partner_id === 'number' ? lookup('res.partner', vals.partner_id) : undefined;
      if (!partner) throw missingError('res.partner');
      const commands = Array.isArray(vals.invoice_line_ids) ? (vals.invoice_line_ids as unknown[]) : [];
      if (commands.length === 0) throw userError('An invoice needs at least one line.');
      const id = moves.length + 1;
      const lineIds: number[] = [];
      let total = 0;
      for (const { product, quantity, price, subtotal } of productLines(state.db, commands, 'quantity')) {
        total += subtotal;
        const lineId = lines.length + 1;
        lines.push({
          id: lineId,
          move_id: id,
          product_id: product.id,
          name: product.name,
          quantity,
          price_unit: price,
          price_subtotal: subtotal,
        });
        lineIds.push(lineId);
      }
      moves.push({
        id,
        active: true,
        name: '/',
        move_type: 'out_invoice',
        partner_id: partner.id,
        ref: typeof vals.ref === 'string' ? vals.ref : false,
        narration: typeof vals.narration === 'string' ? vals.narration : false,
        state: 'draft',
        payment_state: 'not_paid',
        invoice_date: false,
        invoice_date_due: false,
        create_date: utcNow(),
        write_date: utcNow(),
        amount_total: Math.round(total * 100) / 100,
        amount_residual: Math.round(total * 100) / 100,
        currency_id: 1,
        invoice_line_ids: lineIds,
      });
      return id;
    });
  }

  function post(kw: Kwargs): boolean {
    for (const id of idsOf(kw)) {
      const move = lookup('account.move', id);
      if (!move) throw missingError(`account.move(${id},)`);
      if (move.state !== 'draft')
        throw userError(`The entry ${String(move.name)} (id ${id}) must be in draft.`);
      state.invoiceSeq += 1;
      const today = utcNow().slice(0, 10);
      move.state = 'posted';
      move.invoice_date = move.invoice_date || today;
      move.invoice_date_due = move.invoice_date_due || move.invoice_date;
      move.write_date = utcNow();
      move.name = `INV/${today.slice(0, 4)}/${String(state.invoiceSeq).padStart(5, '0')}`;
    }
    return true;
  }

  function call(model: string, method: string, kw: Kwargs): unknown {
    const order = saleOrderCall(state, model, method, kw);
    if (order !== undefined) return order;
    switch (method) {
      case 'search_read': {
        const fields = Array.isArray(kw.fields) ? (kw.fields as string[]) : undefined;
        const found = search(model, kw).map((r) => present(model, r, fields));
        if (model === 'stock.quant' && state.corruptNext) {
          state.corruptNext = false;
          // A broken computed field: Odoo writes `false` where the number should be.
          return found.map((q) => ({ ...q, quantity: false, available_quantity: false }));
        }
        return found;
      }
      case 'search':
        return search(model, kw).map((r) => r.id);
      case 'search_count':
        return search(model, { ...kw, limit: undefined, offset: 0 }).length;
      case 'read': {
        const fields = Array.isArray(kw.fields) ? (kw.fields as string[]) : undefined;
        return idsOf(kw).map((id) => {
          const rec = lookup(model, id);
          if (!rec) throw missingError(`${model}(${id},)`);
          return present(model, rec, fields);
        });
      }
      case 'create':
        if (model === 'account.move') return createInvoices(kw);
        throw new RpcError(
          403,
          'odoo.exceptions.AccessError',
          `You are not allowed to create '${model}' records.`,
        );
      case 'action_post':
        if (model === 'account.move') return post(kw);
        break;
      case 'context_get':
        if (model === 'res.users') return { lang: 'ru_RU', tz: 'Europe/Moscow', uid: 2 };
        break;
    }
    throw new RpcError(
      404,
      'werkzeug.exceptions.NotFound',
      `The method '${method}' does not exist on the model '${model}'`,
    );
  }

  app.use('*', state.answers.middleware({ lostAnswer: nginxBadGateway, replay: (req) => app.fetch(req) }));
  app.use(
    '*',
    callLog(calls, (entry) => {
      const [, , , model, rpc] = entry.path.split('/');
      return { ...entry, ...(model ? { model } : {}), ...(rpc ? { rpc } : {}) };
    }),
  );

  app.use('*', state.proxy.middleware());

  app.use('*', async (c, next) => {
    if (!state.outage) return next();
    return odooError(
      c,
      503,
      'werkzeug.exceptions.ServiceUnavailable',
      'The server is temporarily unable to service your request.',
    );
  });

  app.post('/json/2/:model/:method', async (c) => {
    const [scheme, key] = (c.req.header('Authorization') ?? '').split(/\s+/, 2);
    if (scheme?.toLowerCase() !== 'bearer' || key !== state.apiKey) {
      return odooError(c, 401, 'werkzeug.exceptions.Unauthorized', 'Invalid apikey');
    }
    const database = c.req.header('X-Odoo-Database');
    if (database !== undefined && database !== state.database) {
      return odooError(c, 404, 'werkzeug.exceptions.NotFound', `Database ${database} not found`);
    }
    const model = c.req.param('model');
    if (!MODELS[model] && model !== 'res.users') {
      return odooError(c, 404, 'werkzeug.exceptions.NotFound', `The model '${model}' does not exist`);
    }
    let kw: Kwargs;
    try {
      const body = (await c.req.json()) as unknown;
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
      kw = body as Kwargs;
    } catch {
      return odooError(c, 400, 'werkzeug.exceptions.BadRequest', 'The request body must be a JSON object');
    }
    try {
      return c.json(call(model, c.req.param('method'), kw));
    } catch (e) {
      if (e instanceof RpcError) return odooError(c, e.status, e.exception, e.message);
      throw e;
    }
  });

  app.notFound((c) =>
    odooError(c, 404, 'werkzeug.exceptions.NotFound', 'The requested URL was not found on the server.'),
  );
  app.onError((err, c) => odooError(c, 500, 'builtins.Exception', err.message));
  return app;
}
