import { PROBLEM_STATUS, routeErrors, routeTable } from '@erp-bridge/shared';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type AppDeps, createApp } from '../app.js';

/** The app with every capability present; no route is called, so the services are never reached. */
function appWithEveryRoute(overrides: Partial<AppDeps> = {}) {
  const unused = {} as never;
  const deps: AppDeps = {
    log: { warn() {}, error() {}, info() {}, debug() {} } as never,
    metrics: { registry: new Registry() } as never,
    auth: {
      secret: 'a-secret-long-enough-for-hs256-signing',
      audience: 'http://localhost',
      installations: { findActive: async () => undefined } as never,
      replayStore: { claim: async () => true },
    },
    corsExtraOrigins: [],
    readiness: async () => ({ ready: true, checks: {} }),
    oauth: unused,
    webhooks: unused,
    leadStockDeps: unused,
    guard: unused,
    invoices: unused,
    customers: unused,
    customerSearch: unused,
    settings: unused,
    dpStatic: unused,
    accountCatalog: unused,
    erpLoop: unused,
    operator: {
      incoming: { observe() {}, accountOfHookKey: async () => undefined },
      journal: unused,
      views: unused,
    },
  };
  return createApp({ ...deps, ...overrides });
}

describe('/openapi.json', () => {
  it('lists every route of the contract table with the error codes it may answer, by status', async () => {
    const res = await appWithEveryRoute().request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            responses: Record<
              string,
              {
                description: string;
                content?: Record<string, { schema: { properties?: { code?: { enum?: string[] } } } }>;
              }
            >;
          }
        >
      >;
    };
    for (const [name, spec] of Object.entries(routeTable)) {
      const operation = doc.paths[spec.path]?.[spec.method];
      expect(operation, `${name}: ${spec.method} ${spec.path}`).toBeDefined();
      const listed = Object.entries(operation?.responses ?? {}).flatMap(([status, r]) =>
        (r.content?.['application/problem+json']?.schema.properties?.code?.enum ?? []).map((code) => [
          code,
          Number(status),
        ]),
      );
      const expected = routeErrors(spec).map((code) => [code, PROBLEM_STATUS[code]]);
      expect(listed.sort(), name).toEqual(expected.sort());
      for (const status of Object.keys(spec.responses))
        expect(operation?.responses[status], name).toBeDefined();
    }
  });

  it('documents the ERP webhook without a token, with its body, and the journal CSV as text/csv', async () => {
    const doc = (await (await appWithEveryRoute().request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const hook = doc.paths['/webhooks/erp/{key}']?.post as {
      security: unknown[];
      requestBody: { content: Record<string, unknown> };
      responses: Record<string, unknown>;
    };
    expect(hook.security).toEqual([]);
    expect(Object.keys(hook.requestBody.content)).toEqual(['application/json']);
    expect(Object.keys(hook.responses)).toContain('204');
    const csv = doc.paths['/api/v1/journal.csv']?.get as {
      responses: Record<string, { content: Record<string, unknown> }>;
    };
    expect(Object.keys(csv.responses['200']?.content ?? {})).toEqual(['text/csv']);
  });

  it('the ERP webhook reads its key before its body: an unknown key is a 404 whatever the body', async () => {
    const seen: string[] = [];
    const app = appWithEveryRoute({
      erpLoop: {
        receiveHook: async (key: string) => {
          seen.push(key);
          return 'unknown';
        },
      } as never,
    });
    const res = await app.request('/webhooks/erp/some-key', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[1,2,3]',
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(seen).toEqual(['some-key']);
    const text = await app.request('/webhooks/erp/some-key', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(text.status).toBe(415);
  });
});
