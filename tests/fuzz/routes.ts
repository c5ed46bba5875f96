import { type RouteName, type RouteSpec, routeTable } from '@erp-bridge/shared';
import fc from 'fast-check';
import { pathId } from './arbitraries.js';

/** A route of the table, by name. */
export type TableRoute = { name: RouteName; spec: RouteSpec };

const all: TableRoute[] = Object.entries(routeTable).map(([name, spec]) => ({
  name: name as RouteName,
  spec,
}));

/** Every route a disposable token opens (widget and operator): widget-api.fuzz.test.ts calls each. */
export const tokenRoutes = all.filter((r) => r.spec.access !== 'hook');

/** The vendors' hook routes, each fuzzed by webhooks.fuzz.test.ts (its key in the path, any bytes). */
export const FUZZED_HOOK_ROUTES = ['erpWebhook'] as const satisfies readonly RouteName[];

/** The routes no fuzz file calls: routes.test.ts fails while this is not empty. */
export const unfuzzedRoutes = (): RouteName[] =>
  all
    .map((r) => r.name)
    .filter(
      (name) =>
        !tokenRoutes.some((r) => r.name === name) &&
        !(FUZZED_HOOK_ROUTES as readonly RouteName[]).includes(name),
    );

/** The route's path template with every `{param}` replaced by `value` (already percent-encoded). */
export const fillPath = (spec: RouteSpec, value: string) => spec.path.replace(/\{[^}]+\}/g, value);

/**
 * A URL of the route: its path parameters fuzzed, and each of its query keys left out or given a
 * fuzzed value (numbers in and out of range, nasty text).
 */
export function routeUrl(spec: RouteSpec): fc.Arbitrary<string> {
  const keys = Object.keys(spec.request?.query?.shape ?? {});
  return fc
    .tuple(
      pathId,
      fc.tuple(
        ...keys.map((key) =>
          fc.option(
            pathId.map((v) => `${key}=${v}`),
            { nil: undefined },
          ),
        ),
      ),
    )
    .map(([id, pairs]) => {
      const query = pairs.filter((p) => p !== undefined).join('&');
      return fillPath(spec, id) + (query ? `?${query}` : '');
    });
}
