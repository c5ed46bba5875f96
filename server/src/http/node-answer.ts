import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';

/** The Node response behind this request on @hono/node-server; undefined under app.request(). */
export function nodeAnswer(c: Context): ServerResponse | undefined {
  return (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
}
