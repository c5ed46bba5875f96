import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { nginxBadGateway } from '../answer-faults.js';
import { type CallLogEntry, callLog } from '../call-log.js';
import type { RestFaultState } from '../rest-emulator.js';
import { cancelDocument, insertSalesOrder } from './orders.js';
import { type Condition, FilterError, matches, parseFilters, sortDocs } from './query.js';
import { amountOf, customerAndRows } from './rows.js';
import type { Doc } from './seed.js';

export type { CallLogEntry } from '../call-log.js';

/** `proxy` is the nginx in front of Frappe turning requests away with 429. */
export interface ErpNextState extends RestFaultState {
  docs: Map<string, Doc[]>;
  balances: Map<string, number>;
  apiKey: string;
  apiSecret: string;
  invoiceSeq: number;
}

/** Frappe's error body: the exception class, its text, and the user-facing messages JSON-in-JSON. */
export function frappeError(
  c: Context,
  status: ContentfulStatusCode,
  excType: string,
  message: string,
): Response {
  const body = {
    exc_type: excType,
    exception: `frappe.exceptions.${excType}: ${message}`,
    exc: JSON.stringify([
      `Traceback (most recent call last):\n  ...\nfrappe.exceptions.${excType}: ${message}\n`,
    ]),
    _server_messages: JSON.stringify([
      JSON.stringify({
        message,
        title: 'Message',
        indicator: 'red',
        raise_exception: 1,
        __frappe_exc_id: 'emu',
      }),
    ]),
  };
  return c.json(body, status);
}

const VIRTUAL_FIELDS = new Set(['name', 'doctype', 'docstatus', 'owner', 'creation', 'modified', 'idx']);

function project(doc: Doc, fields: string[]): Record<string, unknown> {
  if (fields.includes('*')) {
    const { items: _items, ...rest } = doc;
    return rest;
  }
  return Object.fromEntries(fields.map((f) => [f, doc[f] ?? null]));
}

/** "YYYY-MM-DD HH:mm:ss.ffffff" in the site's time zone (Europe/Moscow, UTC+3 all year). */
export function siteNow(): string {
  const moscow = new Date(Date.now() + 3 * 3600_000).toISOString();
  return `${moscow.slice(0, 10)} ${moscow.slice(11, 19)}.${moscow.slice(20, 23)}000`;
}

export function buildApp(state: ErpNextState, calls: CallLogEntry[]): Hono {
  const app = new Hono();

  app.use('*', state.answers.middleware({ lostAnswer: nginxBadGateway, replay: (req) => app.fetch(req) }));
  app.use('*', callLog(calls));

  app.use('*', state.proxy.middleware());

  // An outage looks like what sits in front of Frappe answers: nginx's HTML 502.
  app.use('*', async (c, next) => {
    if (!state.outage) return next();
    return c.html(
      '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
      502,
    );
  });

  // Token auth: `Authorization: token <api_key>:<api_secret>` (or Basic with the same pair).
  app.use('/api/*', async (c, next) => {
    const header = c.req.header('Authorization') ?? '';
    const expected = `${state.apiKey}:${state.apiSecret}`;
    const [scheme, credentials = ''] = header.split(/\s+/, 2);
    const given =
      scheme?.toLowerCase() === 'basic'
        ? Buffer.from(credentials, 'base64').toString('utf8')
        : scheme?.toLowerCase() === 'token'
          ? credentials
          : null;
    if (!header) return frappeError(c, 403, 'PermissionError', 'Not permitted');
    if (given !== expected) return frappeError(c, 401, 'AuthenticationError', 'Invalid API key or secret');
    return next();
  });

  app.get('/api/method/frappe.auth.get_logged_user', (c) => c.json({ message: 'erp-bridge@example.com' }));

  app.get('/api/method/erpnext.accounts.utils.get_balance_on', (c) => {
    const partyType = c.req.query('party_type');
    const party = c.req.query('party') ?? '';
    if (partyType !== 'Customer')
      return frappeError(c, 417, 'ValidationError', 'Only Customer balances are emulated');
    const balance = state.balances.get(party);
    if (balance === undefined) return frappeError(c, 417, 'ValidationError', `Invalid Customer: ${party}`);
    return c.json({ message: balance });
  });

  app.get('/api/resource/:doctype', (c) => {
    const doctype = c.req.param('doctype');
    const docs = state.docs.get(doctype);
    if (!docs) return frappeError(c, 404, 'DoesNotExistError', `DocType ${doctype} not found`);
    let fields: string[];
    let conditions: Condition[];
    try {
      fields = JSON.parse(c.req.query('fields') ?? '["name"]') as string[];
      conditions = parseFilters(c.req.query('filters'));
    } catch (e) {
      return frappeError(c, 417, 'DataError', e instanceof FilterError ? e.message : 'fields is not JSON');
    }
    const known = new Set([...VIRTUAL_FIELDS, ...docs.flatMap((d) => Object.keys(d))]);
    const unknown = [...fields, ...conditions.map((f) => f.field)].find((f) => f !== '*' && !known.has(f));
    if (unknown) return frappeError(c, 417, 'DataError', `Field not permitted in query: ${unknown}`);
    const limit = Number(c.req.query('limit_page_length') ?? c.req.query('limit') ?? 20);
    const start = Number(c.req.query('limit_start') ?? 0);
    let found: Doc[];
    try {
      found = sortDocs(
        docs.filter((d) => conditions.every((f) => matches(d, f))),
        c.req.query('order_by'),
      );
    } catch (e) {
      return frappeError(c, 417, 'DataError', (e as Error).message);
    }
    const page = limit > 0 ? found.slice(start, start + limit) : found.slice(start);
    let data: unknown = page.map((d) => project(d, fields));
    if (doctype === 'Bin' && state.corruptNext) {
      state.corruptNext = false;
      // A proxy or a half-migrated site: the rows lose their quantities.
      data = page.map((d) => ({
        name: d.name,
        item_code: d.item_code,
        warehouse: d.warehouse,
        actual_qty: 'n/a',
      }));
    }
    return c.json({ data });
  });

  app.get('/api/resource/:doctype/:name', (c) => {
    const doctype = c.req.param('doctype');
    const name = c.req.param('name');
    const doc = state.docs.get(doctype)?.find((d) => d.name === name);
    if (!doc) return frappeError(c, 404, 'DoesNotExistError', `${doctype} ${name} not found`);
    return c.json({ data: doc });
  });

  app.post('/api/resource/:doctype', async (c) => {
    const doctype = c.req.param('doctype');
    if (doctype !== 'Sales Invoice' && doctype !== 'Sales Order')
      return frappeError(c, 403, 'PermissionError', `Insufficient Permission for ${doctype}`);
    let body: Record<string, unknown>;
    try {
      body = (await c.req.json()) as Record<string, unknown>;
    } catch {
      return frappeError(c, 417, 'ValidationError', 'Request body is not JSON');
    }
    if (doctype === 'Sales Order') return insertSalesOrder(c, state, body);
    return insertSalesInvoice(c, state, body);
  });

  app.post('/api/method/frappe.client.cancel', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    return cancelDocument(c, state, body);
  });

  app.notFound((c) => frappeError(c, 404, 'DoesNotExistError', 'Page not found'));
  app.onError((err, c) => frappeError(c, 500, 'Exception', err.message));
  return app;
}

function insertSalesInvoice(c: Context, state: ErpNextState, body: Record<string, unknown>): Response {
  const checked = customerAndRows(c, state, 'Sales Invoice', body);
  if (checked instanceof Response) return checked;
  const customerName = checked.customer;
  const lines: Record<string, unknown>[] = checked.rows.map(({ i, item, qty, rate }) => ({
    idx: i + 1,
    item_code: item.name,
    item_name: item.item_name,
    qty,
    rate,
    amount: amountOf(qty, rate),
    uom: item.stock_uom,
  }));
  const total = Math.round(lines.reduce((s, l) => s + (l.amount as number), 0) * 100) / 100;
  const creation = siteNow();
  state.invoiceSeq += 1;
  const submitted = body.docstatus === 1;
  const doc: Doc = {
    name: `ACC-SINV-${creation.slice(0, 4)}-${String(state.invoiceSeq).padStart(5, '0')}`,
    doctype: 'Sales Invoice',
    owner: 'erp-bridge@example.com',
    docstatus: submitted ? 1 : 0,
    customer: customerName,
    po_no: typeof body.po_no === 'string' ? body.po_no : null,
    remarks: typeof body.remarks === 'string' ? body.remarks : null,
    posting_date: creation.slice(0, 10),
    posting_time: creation.slice(11, 19),
    // No payment terms: due on the posting date (the loop's emulation: payments.ts).
    due_date: creation.slice(0, 10),
    is_return: 0,
    creation,
    modified: creation,
    currency: 'RUB',
    total,
    grand_total: total,
    outstanding_amount: total,
    status: submitted ? 'Unpaid' : 'Draft',
    items: lines,
  };
  const list = state.docs.get('Sales Invoice') ?? [];
  list.push(doc);
  state.docs.set('Sales Invoice', list);
  return c.json({ data: doc });
}
