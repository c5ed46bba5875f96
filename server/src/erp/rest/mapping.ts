import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { compilePath } from './path.js';
import { placeholders, TemplateError } from './template.js';

/**
 * The declarative description of a REST ERP: where each operation's request goes and where in the
 * answer each figure lives. Written by an integrator as JSON (REST_MAPPING = a file path or the
 * JSON itself), validated here once at load, so a bad mapping fails at start with the JSON path of
 * the problem instead of producing wrong numbers later. docs/rest-mapping.md explains every field.
 */

const Path = z.string().superRefine((s, ctx) => {
  try {
    compilePath(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown IANA time zone');

const DateFormat = z.enum(['auto', 'iso', 'local', 'epoch_s', 'epoch_ms']);

/** A path, or a path with a divisor (kopecks ÷ 100) and, for dates, a format and time zone. */
const Field = z.union([
  Path,
  z.strictObject({
    path: Path,
    divideBy: z.number().positive().optional(),
    format: DateFormat.optional(),
    timeZone: TimeZone.optional(),
  }),
]);
export type FieldSpec = z.infer<typeof Field>;

const Template = z.string();

const Request = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  /** Relative to baseUrl (or absolute). Placeholder values are percent-encoded. */
  urlTemplate: Template,
  /** Query parameters; values are templates, encoded by the connector. */
  query: z.record(z.string(), Template).optional(),
  /** A JSON template sent as the body. */
  body: z.unknown().optional(),
  headers: z.record(z.string(), Template).optional(),
});
export type RequestSpec = z.infer<typeof Request>;

const list = <T extends z.ZodRawShape>(fields: T) =>
  z.strictObject({ records: Path, fields: z.strictObject(fields) });
const single = <T extends z.ZodRawShape>(fields: T) =>
  z.strictObject({ record: Path.default(''), fields: z.strictObject(fields) });

const Batch = {
  /** true: one request carries every SKU ({skus}); false: one request per SKU ({sku}). */
  batch: z.boolean().default(true),
  /** Most SKUs in one batched request; longer lists are split. */
  batchSize: z.number().int().positive().default(100),
};

const CustomerFields = {
  id: Field,
  name: Field,
  inn: Field.optional(),
  /** One path, or several (mobile and landline): any of them matches a phone query. */
  phone: z.union([Field, z.array(Field).min(1)]).optional(),
  email: Field.optional(),
};

const DocumentFields = {
  id: Field,
  number: Field,
  date: Field,
  sum: Field,
  status: Field.optional(),
  currency: Field.optional(),
};

const Documents = z.strictObject({ request: Request, response: list(DocumentFields) });

const InvoiceFields = { id: Field, number: Field, sum: Field, created: Field, currency: Field.optional() };

const Auth = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('bearer'), token: z.string().min(1) }),
  z.strictObject({ type: z.literal('header'), name: z.string().min(1), value: z.string().min(1) }),
  z.strictObject({ type: z.literal('basic'), user: z.string(), password: z.string() }),
]);

export const RestMappingSchema = z.strictObject({
  $schema: z.string().optional(),
  /** A label for logs and errors ("erpnext", "odoo", "our-erp"). */
  name: z.string().default('rest'),
  baseUrl: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }),
  auth: Auth.default({ type: 'none' }),
  /** Sent with every request (Accept, a tenant header...). */
  headers: z.record(z.string(), z.string()).optional(),
  /** Currency of every amount unless a record's own currency field says otherwise. */
  currency: z.string().length(3).default('RUB'),
  /** Time zone of date-times written without an offset. */
  timeZone: TimeZone.default('UTC'),
  /** Messages the ERP puts in error bodies, tried in order (built-in guesses follow). */
  errorMessagePaths: z.array(Path).optional(),

  items: z.strictObject({
    request: Request,
    ...Batch,
    response: list({
      sku: Field,
      id: Field,
      name: Field,
      price: Field.optional(),
      currency: Field.optional(),
    }),
    /**
     * An item is a service (no stock: never unknown, never short) when the value at `path` in its
     * record is one of `values`: ERPNext `is_stock_item` 0, Odoo `type` "service".
     */
    service: z
      .strictObject({ path: Path, values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1) })
      .optional(),
  }),

  stock: z
    .strictObject({
      request: Request,
      ...Batch,
      /**
       * 'sku': records carry the SKU. 'itemId': records carry the ERP's item id (Odoo quants);
       * SKUs are resolved through `items` first and {itemIds} / {itemId} are available.
       */
      keyBy: z.enum(['sku', 'itemId']).default('sku'),
      response: list({
        sku: Field.optional(),
        itemId: Field.optional(),
        warehouseId: Field,
        /** Omitted: names come from the `warehouses` operation, joined on warehouseId. */
        warehouseName: Field.optional(),
        /** Free quantity as the ERP reports it... */
        quantity: Field.optional(),
        /** ...or on hand minus reserve. */
        onHand: Field.optional(),
        reserve: Field.optional(),
        name: Field.optional(),
        price: Field.optional(),
      }),
    })
    .superRefine((s, ctx) => {
      const f = s.response.fields;
      const at = (key: string) => ['response', 'fields', key];
      if (s.keyBy === 'sku' && !f.sku)
        ctx.addIssue({ code: 'custom', path: at('sku'), message: 'required when keyBy is "sku"' });
      if (s.keyBy === 'itemId' && !f.itemId)
        ctx.addIssue({ code: 'custom', path: at('itemId'), message: 'required when keyBy is "itemId"' });
      if (!f.quantity === !f.onHand)
        ctx.addIssue({
          code: 'custom',
          path: at('quantity'),
          message: 'map exactly one of "quantity" or "onHand"',
        });
      if (f.reserve && !f.onHand)
        ctx.addIssue({ code: 'custom', path: at('reserve'), message: '"reserve" needs "onHand"' });
    }),

  warehouses: z.strictObject({ request: Request, response: list({ id: Field, name: Field }) }),

  customers: z.strictObject({
    /** One request per kind of identifier; a query with several identifiers unites the matches. */
    requests: z
      .strictObject({ inn: Request.optional(), email: Request.optional(), phone: Request.optional() })
      .refine((r) => r.inn || r.email || r.phone, 'map at least one of inn, email, phone'),
    /**
     * 'client': the phone request returns candidates (narrowed as the ERP can, e.g. with
     * {phone|likeDigits:7}) and the connector keeps those whose phone has the same last 10 digits.
     */
    phoneMatch: z.enum(['server', 'client']).default('client'),
    response: list(CustomerFields),
  }),

  customerSummary: z.strictObject({
    customer: z.strictObject({ request: Request, response: single(CustomerFields) }),
    /**
     * receivable = what the customer owes us, payable = what we owe the customer (a prepayment);
     * balance = payable - receivable. Without a request, the paths read the customer record.
     */
    balance: z
      .strictObject({
        request: Request.optional(),
        response: single({ receivable: Field.optional(), payable: Field.optional() }).refine(
          (r) => r.fields.receivable || r.fields.payable,
          'map receivable, payable or both',
        ),
      })
      .optional(),
    orders: Documents.optional(),
    invoices: Documents.optional(),
    /** Where a person opens the customer in the ERP ({baseUrl}, {customerId}). */
    link: Template.optional(),
  }),

  createInvoice: z.strictObject({
    /**
     * 'lookup': search by the key first and return what is found (the key must be stored in the
     * invoice, by the create body). 'header': the ERP deduplicates by a request header.
     */
    idempotency: z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('lookup'), request: Request, response: list(InvoiceFields) }),
      z.strictObject({ type: z.literal('header'), name: z.string().min(1) }),
    ]),
    /** Resolve every SKU through `items` first: unknown SKUs are refused before anything is sent. */
    resolveItems: z.boolean().default(true),
    /** JSON template of one position ({sku}, {quantity}, {price}, {itemId}, {name}); the list is {positions}. */
    position: z.unknown().refine((v) => v !== undefined, 'required: the JSON template of one position'),
    request: Request,
    /** Where the created invoice (or just its id) is in the create answer. */
    response: z.strictObject({
      record: Path.default(''),
      fields: z.strictObject({
        id: Field,
        number: Field.optional(),
        sum: Field.optional(),
        created: Field.optional(),
        currency: Field.optional(),
      }),
    }),
    /** Requests sent after creation with {invoiceId} (Odoo: action_post). */
    afterCreate: z.array(Request).optional(),
    /** Re-read the invoice by {invoiceId} when the create answer lacks number, sum or date. */
    fetch: z.strictObject({ request: Request, response: single(InvoiceFields) }).optional(),
    link: Template.optional(),
  }),

  health: z.strictObject({ request: Request }),
});

export type RestMapping = z.infer<typeof RestMappingSchema>;
/** The JSON an integrator writes (defaults not yet applied). */
export type RestMappingInput = z.input<typeof RestMappingSchema>;

export class RestMappingError extends Error {
  constructor(
    /** JSON path of the problem in the mapping (`stock.response.fields.quantity`), '' for the whole. */
    readonly path: string,
    readonly detail: string,
  ) {
    super(`REST mapping is invalid${path ? ` at ${path}` : ''}: ${detail}`);
    this.name = 'RestMappingError';
  }
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

const formatPath = (path: readonly PropertyKey[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');

/** `${NAME}` in any string is replaced by the environment's value; the resolved secrets are returned for scrubbing. */
function resolveEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path: PropertyKey[],
  used: Set<string>,
): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_, name: string) => {
      const v = env[name];
      if (v === undefined || v === '')
        throw new RestMappingError(formatPath(path), `environment variable ${name} is not set`);
      used.add(v);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnv(v, env, [...path, i], used));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveEnv(v, env, [...path, k], used)]),
    );
  }
  return value;
}

/** Variables each template may use: a typo in a placeholder fails at load, not on the first request. */
function checkTemplates(m: RestMapping): { path: string; message: string } | null {
  const checks: [string, unknown, string[]][] = [];
  const request = (path: string, r: RequestSpec | undefined, vars: string[]) => {
    if (!r) return;
    checks.push([`${path}.urlTemplate`, r.urlTemplate, vars]);
    for (const [k, v] of Object.entries(r.query ?? {})) checks.push([`${path}.query.${k}`, v, vars]);
    for (const [k, v] of Object.entries(r.headers ?? {})) checks.push([`${path}.headers.${k}`, v, vars]);
    if (r.body !== undefined) checks.push([`${path}.body`, r.body, vars]);
  };
  const skuVars = (batch: boolean) => (batch ? ['skus'] : ['sku', 'skus']);
  request('items.request', m.items.request, skuVars(m.items.batch));
  request(
    'stock.request',
    m.stock.request,
    m.stock.keyBy === 'itemId'
      ? [...skuVars(m.stock.batch), 'itemIds', ...(m.stock.batch ? [] : ['itemId'])]
      : skuVars(m.stock.batch),
  );
  request('warehouses.request', m.warehouses.request, []);
  for (const kind of ['inn', 'email', 'phone'] as const) {
    request(`customers.requests.${kind}`, m.customers.requests[kind], ['inn', 'email', 'phone']);
  }
  const cs = m.customerSummary;
  const customerVars = ['customerId', 'currency'];
  request('customerSummary.customer.request', cs.customer.request, customerVars);
  request('customerSummary.balance.request', cs.balance?.request, customerVars);
  request('customerSummary.orders.request', cs.orders?.request, customerVars);
  request('customerSummary.invoices.request', cs.invoices?.request, customerVars);
  if (cs.link) checks.push(['customerSummary.link', cs.link, ['baseUrl', 'customerId']]);
  const ci = m.createInvoice;
  const invoiceVars = ['idempotencyKey', 'customerId', 'positions', 'comment', 'currency'];
  if (ci.idempotency.type === 'lookup')
    request('createInvoice.idempotency.request', ci.idempotency.request, invoiceVars);
  checks.push([
    'createInvoice.position',
    ci.position,
    ['sku', 'quantity', 'price', 'itemId', 'name', 'currency'],
  ]);
  request('createInvoice.request', ci.request, invoiceVars);
  ci.afterCreate?.forEach((r, i) => {
    request(`createInvoice.afterCreate[${i}]`, r, [...invoiceVars, 'invoiceId']);
  });
  request('createInvoice.fetch.request', ci.fetch?.request, [...invoiceVars, 'invoiceId']);
  if (ci.link) checks.push(['createInvoice.link', ci.link, ['baseUrl', 'invoiceId']]);
  request('health.request', m.health.request, []);

  for (const [path, template, vars] of checks) {
    try {
      for (const p of placeholders(template)) {
        if (!vars.includes(p.name)) {
          const known = vars.length ? vars.map((v) => `{${v}}`).join(', ') : 'none';
          return { path, message: `unknown placeholder {${p.name}} (available here: ${known})` };
        }
      }
    } catch (e) {
      if (e instanceof TemplateError) return { path, message: e.message };
      throw e;
    }
  }
  return null;
}

/** Validates already-parsed mapping JSON (env placeholders resolved by the caller or absent). */
export function parseRestMapping(
  json: unknown,
  env: Readonly<Record<string, string | undefined>> = {},
): RestMapping {
  const secrets = new Set<string>();
  const scrub = (text: string) => {
    let out = text;
    for (const s of secrets) if (s.length >= 3) out = out.split(s).join('***');
    return out;
  };
  try {
    const resolved = resolveEnv(json, env, [], secrets);
    const parsed = RestMappingSchema.safeParse(resolved);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RestMappingError(formatPath(issue?.path ?? []), issue?.message ?? 'invalid');
    }
    const problem = checkTemplates(parsed.data);
    if (problem) throw new RestMappingError(problem.path, problem.message);
    return parsed.data;
  } catch (e) {
    // Never echo a secret, whatever a message ends up quoting.
    if (e instanceof RestMappingError) throw new RestMappingError(e.path, scrub(e.detail));
    throw e;
  }
}

function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/**
 * REST_MAPPING: inline JSON (starts with `{`) or a path to a JSON file. `${NAME}` anywhere is
 * replaced from env at load, so tokens stay in the environment and out of the file.
 */
export function loadRestMapping(
  source: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): RestMapping {
  const text = source.trim();
  let raw: string;
  if (text.startsWith('{')) raw = text;
  else {
    try {
      raw = readFileSync(text, 'utf8');
    } catch (e) {
      throw new RestMappingError(
        '',
        `cannot read mapping file ${text}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    // V8 quotes a slice of the text, which may hold a pasted token: report the position only.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    const where = at === undefined ? '' : ` (${lineColumn(raw, Number(at))})`;
    throw new RestMappingError('', `not valid JSON${where}`);
  }
  return parseRestMapping(json, env);
}
