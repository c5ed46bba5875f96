import { PROBLEM_STATUS, routeErrors, widgetRoutes } from '@erp-bridge/shared';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type AppDeps, createApp } from '../app.js';

/** The app with every capability present; no route is called, so the services are never reached. */
function appWithEveryRoute() {
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
  };
  return createApp(deps);
}

describe('/openapi.json', () => {
  it('lists every route of the contract table with the error codes it may answer, by status', async () => {
    const doc = (await (await appWithEveryRoute().request('/openapi.json')).json()) as {
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
    for (const [name, spec] of Object.entries(widgetRoutes)) {
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
});
