import { Hono } from 'hono';
import { z } from 'zod';
import { readBody } from '../http/body.js';
import { apiBase, hal } from '../http/responses.js';
import { resolveTag } from '../leads/patch.js';
import type { EmulatorState } from '../state.js';
import { listPage, pageQuery } from './pagination.js';
import { batch } from './schemas.js';

const TagItem = z.object({
  name: z.string().trim().min(1).max(255),
  color: z
    .string()
    .regex(/^[0-9A-Fa-f]{6}$/)
    .optional(),
  request_id: z.string().optional(),
});

/** GET /leads/tags (filter[name], query), POST /leads/tags (an existing name returns that tag). */
export function tagRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  app.get('/leads/tags', (c) => {
    const page = pageQuery(c);
    if (page instanceof Response) return page;
    const name = c.req.query('filter[name]')?.toLowerCase();
    const query = c.req.query('query')?.toLowerCase();
    const all = [...state.tags.values()].filter(
      (t) => (!name || t.name.toLowerCase() === name) && (!query || t.name.toLowerCase().includes(query)),
    );
    return listPage(c, all, page, 'tags', (t) => ({ id: t.id, name: t.name, color: t.color }));
  });

  app.post('/leads/tags', async (c) => {
    const body = await readBody(c, batch(TagItem));
    if (!body.ok) return body.response;
    const tags = body.value.map((item, i) => {
      const tag = resolveTag(state, { name: item.name }, true);
      if (tag && item.color) tag.color = item.color;
      return {
        id: tag?.id,
        name: tag?.name,
        color: tag?.color ?? null,
        request_id: item.request_id ?? String(i),
      };
    });
    return hal(c, { _links: { self: { href: `${apiBase(c)}/leads/tags` } }, _embedded: { tags } });
  });

  return app;
}
