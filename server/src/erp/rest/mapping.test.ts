import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRestMapping, parseRestMapping, RestMappingError } from './mapping.js';

const example = (name: string) => fileURLToPath(new URL(`./examples/${name}.json`, import.meta.url));
const env = {
  ERPNEXT_API_KEY: 'key-123',
  ERPNEXT_API_SECRET: 'sup3r-s3cret',
  ODOO_API_KEY: 'odoo-k3y',
  ODOO_DATABASE: 'prod',
};

async function exampleJson(name: string): Promise<Record<string, unknown>> {
  const { readFileSync } = await import('node:fs');
  return JSON.parse(readFileSync(example(name), 'utf8')) as Record<string, unknown>;
}

/** `${NAME}` as the mapping writes it. */
const envRef = (name: string) => `\${${name}}`;

function errorOf(fn: () => unknown): RestMappingError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RestMappingError) return e;
    throw e;
  }
  throw new Error('expected a RestMappingError');
}

describe('loadRestMapping', () => {
  it('loads both shipped examples, resolving environment references', () => {
    const erpnext = loadRestMapping(example('erpnext'), env);
    expect(erpnext.auth).toEqual({
      type: 'header',
      name: 'Authorization',
      value: 'token key-123:sup3r-s3cret',
    });
    expect(erpnext.stock.batch).toBe(true);
    const odoo = loadRestMapping(example('odoo'), env);
    expect(odoo.auth).toEqual({ type: 'bearer', token: 'odoo-k3y' });
    expect(odoo.headers).toEqual({ 'X-Odoo-Database': 'prod' });
    expect(odoo.stock.keyBy).toBe('itemId');
  });

  it('takes inline JSON as well as a file path', async () => {
    const json = JSON.stringify(await exampleJson('odoo'));
    expect(loadRestMapping(`  ${json}`, env).name).toBe('odoo');
    const dir = mkdtempSync(join(tmpdir(), 'rest-mapping-'));
    writeFileSync(join(dir, 'm.json'), json);
    expect(loadRestMapping(join(dir, 'm.json'), env).name).toBe('odoo');
    expect(errorOf(() => loadRestMapping(join(dir, 'missing.json'), env)).message).toMatch(
      /cannot read mapping file .*ENOENT/,
    );
  });

  it('names a missing environment variable and where it is used', () => {
    const e = errorOf(() => loadRestMapping(example('erpnext'), { ERPNEXT_API_KEY: 'key-123' }));
    expect(e.path).toBe('auth.value');
    expect(e.message).toBe(
      'REST mapping is invalid at auth.value: environment variable ERPNEXT_API_SECRET is not set',
    );
    expect(e.message).not.toContain('key-123');
  });

  it('points at the JSON path of a structural problem', async () => {
    const m = await exampleJson('erpnext');
    const stock = m.stock as { response: { fields: Record<string, unknown> } };
    delete stock.response.fields.onHand;
    delete stock.response.fields.reserve;
    const e = errorOf(() => parseRestMapping(m, env));
    expect(e.path).toBe('stock.response.fields.quantity');
    expect(e.message).toMatch(/exactly one of "quantity" or "onHand"/);
  });

  it('rejects unknown keys, bad paths, bad placeholders, bad time zones', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the cases mutate arbitrary mapping JSON
    const cases: [(m: Record<string, any>) => void, string, RegExp][] = [
      [(m) => (m.items.respnse = {}), '', /Unrecognized key/],
      [(m) => (m.items.response.fields.sku = 'data..code'), 'items.response.fields.sku', /data\.\.code/],
      [
        (m) => (m.items.request.query.filters = '{sku|json}'),
        'items.request.query.filters',
        /unknown placeholder \{sku\}.*\{skus\}/,
      ],
      [
        (m) => (m.stock.request.query.filters = '{skus|shout}'),
        'stock.request.query.filters',
        /unknown filter "shout"/,
      ],
      [(m) => (m.timeZone = 'Mars/Olympus'), 'timeZone', /time zone/],
      [(m) => (m.baseUrl = 'erp.example.com'), 'baseUrl', /absolute http/],
      [(m) => (m.auth = { type: 'bearer' }), 'auth.token', /expected string/],
      [(m) => (m.createInvoice.idempotency = { type: 'magic' }), 'createInvoice.idempotency.type', /Invalid/],
      [(m) => delete m.createInvoice.position, 'createInvoice.position', /required/],
      [(m) => (m.customers.requests = {}), 'customers.requests', /at least one/],
    ];
    for (const [mutate, path, message] of cases) {
      const m = await exampleJson('erpnext');
      mutate(m);
      const e = errorOf(() => parseRestMapping(m, env));
      if (path) expect(e.path, String(message)).toBe(path);
      expect(e.message).toMatch(message);
    }
  });

  it('reports invalid JSON by position without quoting the text', () => {
    const e = errorOf(() => loadRestMapping('{"auth": {"type": "bearer", "token": "tok-SECRET-123"},}', {}));
    expect(e.message).toMatch(/not valid JSON/);
    expect(e.message).not.toContain('SECRET');
  });

  it('never puts a resolved secret into an error message', async () => {
    const m = await exampleJson('erpnext');
    // A secret pasted into a template by mistake, next to a broken placeholder.
    (m.health as { request: { query?: Record<string, string> } }).request.query = {
      key: `${envRef('ERPNEXT_API_SECRET')}{nope}`,
    };
    const e = errorOf(() => parseRestMapping(m, env));
    expect(e.path).toBe('health.request.query.key');
    expect(e.message).not.toContain('sup3r-s3cret');
    const m2 = await exampleJson('erpnext');
    m2.timeZone = envRef('ERPNEXT_API_SECRET');
    expect(errorOf(() => parseRestMapping(m2, env)).message).not.toContain('sup3r-s3cret');
  });
});
