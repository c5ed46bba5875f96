import type { z } from 'zod';
import type { ProblemCode } from '../problem.js';

/** One success answer: JSON by default; `contentType` for another body (CSV); no schema, no body (204). */
export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: 'text/csv';
}

/**
 * One entry of the HTTP contract: everything both sides must agree on about a route. The server
 * builds its OpenAPI route from it (server/src/http/contract-route.ts), the widget's client takes
 * its types from it (type-only import: no schema reaches the widget bundle), /openapi.json lists it.
 */
export interface RouteSpec {
  method: 'get' | 'post' | 'put';
  /** OpenAPI path template: `{id}` marks a path parameter. */
  path: string;
  summary: string;
  /**
   * `user`: any holder of a disposable token; `admin`: account admins only (adds auth.forbidden);
   * `hook`: no token, the unguessable key in the path is the credential (a vendor's webhook).
   */
  access: 'user' | 'admin' | 'hook';
  request?: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    headers?: z.ZodObject;
    body?: z.ZodType;
    /** A body may be left out (default: required when `body` is given). */
    bodyOptional?: boolean;
    /**
     * The handler reads and checks the body itself, after what the path decides (an unknown hook
     * key is a 404 whatever the body): the body is documented, not validated before the handler.
     */
    bodyCheckedByHandler?: boolean;
  };
  /** Success answers by status, each with its schema. */
  responses: { [status: number]: ResponseSpec };
  /** The codes this route itself may answer with, besides the ones every route of its access shares. */
  errors: readonly ProblemCode[];
}

/** A route's one success answer: 200 with its schema. */
export const ok = <S extends z.ZodType>(schema: S, description: string) => ({ 200: { description, schema } });

/** Keeps the entry's literal types (method, path, schemas) for the client's and the server's typing. */
export const defineRoute = <const S extends RouteSpec>(spec: S): S => spec;

/** What every widget route may answer before its handler runs: token auth, input checks, limits. */
export const WIDGET_ROUTE_ERRORS = [
  'request.invalid',
  'request.payload_too_large',
  'request.rate_limited',
  'auth.missing_token',
  'auth.invalid_token',
  'auth.expired_token',
  'auth.token_replayed',
  'auth.unknown_account',
  'internal',
] as const satisfies readonly ProblemCode[];

/** What every hook route may answer before its handler runs: body limits and clean input only. */
export const HOOK_ROUTE_ERRORS = [
  'request.invalid',
  'request.payload_too_large',
  'internal',
] as const satisfies readonly ProblemCode[];

/** Every code a route may answer with: its own, the shared ones, and auth.forbidden for admin routes. */
export function routeErrors(spec: Pick<RouteSpec, 'access' | 'errors'>): ProblemCode[] {
  const shared = spec.access === 'hook' ? HOOK_ROUTE_ERRORS : WIDGET_ROUTE_ERRORS;
  const all: ProblemCode[] = [...shared, ...spec.errors];
  if (spec.access === 'admin') all.push('auth.forbidden');
  return [...new Set(all)];
}
