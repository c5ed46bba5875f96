import type { z } from 'zod';
import type { ProblemCode } from '../problem.js';

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
  /** `user`: any holder of a disposable token; `admin`: account admins only (adds auth.forbidden). */
  access: 'user' | 'admin';
  request?: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    headers?: z.ZodObject;
    body?: z.ZodType;
    /** A body may be left out (default: required when `body` is given). */
    bodyOptional?: boolean;
  };
  /** Success answers by status, each with its schema. */
  responses: { [status: number]: { description: string; schema: z.ZodType } };
  /** The codes this route itself may answer with, besides the ones every widget route shares. */
  errors: readonly ProblemCode[];
}

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

/** Every code a route may answer with: its own, the shared ones, and auth.forbidden for admin routes. */
export function routeErrors(spec: Pick<RouteSpec, 'access' | 'errors'>): ProblemCode[] {
  const all: ProblemCode[] = [...WIDGET_ROUTE_ERRORS, ...spec.errors];
  if (spec.access === 'admin') all.push('auth.forbidden');
  return [...new Set(all)];
}
