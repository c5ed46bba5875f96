import { hookRoutes } from './hook-routes.js';
import { operatorRoutes } from './operator-routes.js';
import { widgetRoutes } from './widget-routes.js';

/**
 * The whole HTTP contract the route table covers, one entry per route: the widget's routes, the
 * operator's and the vendors' hooks. /openapi.json lists each of them (server/src/http/openapi.test.ts)
 * and the fuzz tests call each of them (tests/fuzz/routes.ts).
 */
export const routeTable = { ...widgetRoutes, ...operatorRoutes, ...hookRoutes } as const;
export type RouteTable = typeof routeTable;
export type RouteName = keyof RouteTable;

/** The routes the widget calls with a disposable token (the hooks are the vendors'). */
export type ClientRoutes = Omit<RouteTable, keyof typeof hookRoutes>;
export type ClientRouteName = keyof ClientRoutes;
