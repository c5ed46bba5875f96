import type { z } from 'zod';
import type { ClientRouteName, ClientRoutes } from './routes.js';

/**
 * Types a client reads off the route table (type-only: nothing here exists at runtime, so a
 * client importing these bundles no schema).
 */
type Spec<K extends ClientRouteName> = ClientRoutes[K];
type Request<K extends ClientRouteName> = Spec<K> extends { request: infer R } ? R : Record<never, never>;

export type HttpMethod = 'GET' | 'POST' | 'PUT';

/** What a successful answer of route K carries (any of its success statuses). */
export type RouteAnswer<K extends ClientRouteName> = {
  [S in keyof Spec<K>['responses']]: Spec<K>['responses'][S] extends { schema: infer T extends z.ZodType }
    ? z.output<T>
    : never;
}[keyof Spec<K>['responses']];

/** The body route K takes (never: it takes none). */
export type RouteBody<K extends ClientRouteName> =
  Request<K> extends { body: infer B extends z.ZodType } ? z.input<B> : never;

/** The query route K takes (never: it takes none). */
export type RouteQuery<K extends ClientRouteName> =
  Request<K> extends { query: infer Q extends z.ZodType } ? z.input<Q> : never;

/** The routes answering `method` at `path` (a path template such as `/api/v1/leads/{id}/stock`). */
export type RouteAt<M extends HttpMethod, P extends string> = {
  [K in ClientRouteName]: Uppercase<Spec<K>['method']> extends M
    ? Spec<K>['path'] extends P
      ? K
      : never
    : never;
}[ClientRouteName];

/** Every path template that answers `method`. */
export type PathOf<M extends HttpMethod> = {
  [K in ClientRouteName]: Uppercase<Spec<K>['method']> extends M ? Spec<K>['path'] : never;
}[ClientRouteName];
