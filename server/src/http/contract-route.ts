import {
  PROBLEM_CONTENT_TYPE,
  PROBLEM_STATUS,
  Problem,
  type ProblemCode,
  type RouteSpec,
  routeErrors,
} from '@erp-bridge/shared';
import { createRoute, z } from '@hono/zod-openapi';

type JsonBody<B> = { content: { 'application/json': { schema: B } }; required: boolean };

/** The entry's request in createRoute's shape: the same schemas, the body wrapped as JSON content. */
type RequestOf<R> = {
  [K in Exclude<
    keyof R,
    'bodyOptional' | 'bodyCheckedByHandler' | (R extends { bodyCheckedByHandler: true } ? 'body' : never)
  >]: K extends 'body' ? JsonBody<R[K]> : R[K];
};

/** Success answers typed for the handler; error answers exist only in the document (handlers throw). */
type ResponsesOf<Rs> = {
  [S in keyof Rs]: Rs[S] extends { schema: infer T }
    ? {
        description: string;
        content: {
          [M in Rs[S] extends { contentType: infer C extends string } ? C : 'application/json']: {
            schema: T;
          };
        };
      }
    : { description: string };
};

export type OpenApiRouteOf<S extends RouteSpec> = {
  method: S['method'];
  path: S['path'];
  summary: string;
  security: { disposableToken: string[] }[];
  request: S extends { request: infer R } ? RequestOf<R> : Record<never, never>;
  responses: ResponsesOf<S['responses']>;
};

/** One problem+json answer per status, its `code` limited to the codes the route may give there. */
export function problemResponses(codes: readonly ProblemCode[]) {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes)
    byStatus.set(PROBLEM_STATUS[code], [...(byStatus.get(PROBLEM_STATUS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      status,
      {
        description: list.join(', '),
        content: {
          [PROBLEM_CONTENT_TYPE]: {
            schema: Problem.extend({ code: z.enum(list as [ProblemCode, ...ProblemCode[]]) }),
          },
        },
      },
    ]),
  );
}

/**
 * A body the handler checks itself goes into the document as plain JSON Schema: zod-openapi
 * validates only zod schemas, so nothing reads the body before the handler.
 */
function bodyOf(request: RouteSpec['request']) {
  if (!request?.body) return undefined;
  const schema = request.bodyCheckedByHandler
    ? ((({ $schema: _, ...rest }) => rest)(z.toJSONSchema(request.body)) as Record<string, unknown>)
    : request.body;
  return { content: { 'application/json': { schema } }, required: !request.bodyOptional };
}

/**
 * The OpenAPI route of a contract entry (shared/src/contract/): the server serves exactly what the
 * table says, and /openapi.json lists each route's error codes by status.
 */
export function openApiRoute<const S extends RouteSpec>(
  spec: S,
): OpenApiRouteOf<S> & { getRoutingPath(): string } {
  const { body: _b, bodyOptional: _o, bodyCheckedByHandler: _h, ...rest } = spec.request ?? {};
  const body = bodyOf(spec.request);
  const responses = Object.fromEntries(
    Object.entries(spec.responses).map(([status, r]) => [
      status,
      r.schema
        ? {
            description: r.description,
            content: { [r.contentType ?? 'application/json']: { schema: r.schema } },
          }
        : { description: r.description },
    ]),
  );
  return createRoute({
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    security: spec.access === 'hook' ? [] : [{ disposableToken: [] }],
    request: { ...rest, ...(body && { body }) },
    responses: { ...problemResponses(routeErrors(spec)), ...responses },
  }) as unknown as OpenApiRouteOf<S> & { getRoutingPath(): string };
}
