import { routeTable } from '@erp-bridge/shared';
import { describe, expect, it } from 'vitest';
import { FUZZED_HOOK_ROUTES, tokenRoutes, unfuzzedRoutes } from './routes.js';

// The fuzz files take their routes from the table (tests/fuzz/routes.ts): a route added to the
// table is fuzzed without touching them, and one no fuzz file can call fails here.
describe('fuzzed routes', () => {
  it('every route of the table is called by a fuzz file', () => {
    expect(unfuzzedRoutes()).toEqual([]);
    expect(tokenRoutes.length + FUZZED_HOOK_ROUTES.length).toBe(Object.keys(routeTable).length);
  });

  it('the hook routes fuzzed by webhooks.fuzz.test.ts are hook routes of the table', () => {
    for (const name of FUZZED_HOOK_ROUTES) expect(routeTable[name].access).toBe('hook');
  });
});
