import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, Env } from 'hono';
import type { z } from 'zod';
import { invalidRequest } from './invalid-request.js';

interface ParamsAndQuery<P extends z.ZodType, Q extends z.ZodType> {
  method: string;
  request: { params: P; query: Q };
  getRoutingPath(): string;
}

function checked<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidRequest(result.error.issues);
  return result.data;
}

/**
 * A route of the document whose params and query are checked synchronously, in its handler.
 * `app.openapi()` checks each part in a middleware of its own through zod's async parse: for the
 * card's stock read that was 20 of the ~89 promises a read created, and on Node 20 every promise
 * pays the async-context hooks (docs/performance.md, session 11). The document, the schemas and the
 * `request.invalid` answer are the same as app.openapi()'s; repeated query keys arrive as arrays,
 * as there.
 */
export function syncCheckedRoute<E extends Env, P extends z.ZodType, Q extends z.ZodType>(
  app: OpenAPIHono<E>,
  route: ParamsAndQuery<P, Q> & Parameters<OpenAPIHono<E>['openAPIRegistry']['registerPath']>[0],
  handler: (c: Context<E>, input: { param: z.output<P>; query: z.output<Q> }) => Response | Promise<Response>,
): OpenAPIHono<E> {
  app.openAPIRegistry.registerPath(route);
  app.on(route.method.toUpperCase(), route.getRoutingPath(), (c) => {
    const param = checked(route.request.params, c.req.param());
    const query: Record<string, string | string[]> = {};
    for (const [key, values] of Object.entries(c.req.queries()))
      query[key] = values.length === 1 ? (values[0] as string) : values;
    return handler(c, { param, query: checked(route.request.query, query) });
  });
  return app;
}
