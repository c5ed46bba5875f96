import { readFileSync } from 'node:fs';
import { checkLoopTemplates } from './loop-mapping-checks.js';
import { type RequestSpec, type RestMapping, RestMappingSchema } from './mapping-schema.js';
import { placeholders, TemplateError } from './template.js';

export {
  type FieldSpec,
  type RequestSpec,
  type RestMapping,
  type RestMappingInput,
  RestMappingSchema,
} from './mapping-schema.js';

/** Loading a mapping: environment placeholders, template checks and a readable error (schema: mapping-schema.ts). */
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
  checkLoopTemplates(m, request, (path, template, vars) => checks.push([path, template, vars]));

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
