import { Hono } from 'hono';
import { z } from 'zod';
import { nowSeconds, type Webhook } from '../entities.js';
import { readBody } from '../http/body.js';
import { apiBase, emptyList, hal, problem } from '../http/responses.js';
import type { EmulatorState } from '../state.js';
import { WEBHOOK_SETTINGS } from '../webhooks/lead-events.js';

const Destination = z.url().max(2000);
const PostBody = z.object({
  destination: Destination,
  settings: z.array(z.enum(WEBHOOK_SETTINGS)).min(1),
  sort: z.number().int().optional(),
});
const DeleteBody = z.object({ destination: Destination });

function serialize(state: EmulatorState, hook: Webhook) {
  return {
    id: hook.id,
    destination: hook.destination,
    created_at: hook.createdAt,
    updated_at: hook.updatedAt,
    account_id: state.account.id,
    created_by: state.apiUserId,
    sort: 1,
    disabled: hook.disabled,
    settings: [...hook.settings],
  };
}

/** GET/POST/DELETE /webhooks. POST is idempotent per destination: posting again replaces settings. */
export function webhookRoutes(state: EmulatorState): Hono {
  const app = new Hono();

  app.get('/webhooks', (c) => {
    const destination = c.req.query('filter[destination]');
    const hooks = [...state.webhooks.values()].filter((h) => !destination || h.destination === destination);
    if (hooks.length === 0) return emptyList(c);
    return hal(c, {
      _total_items: hooks.length,
      _links: { self: { href: `${apiBase(c)}/webhooks` } },
      _embedded: { webhooks: hooks.map((h) => serialize(state, h)) },
    });
  });

  app.post('/webhooks', async (c) => {
    const body = await readBody(c, PostBody);
    if (!body.ok) return body.response;
    const { destination, settings } = body.value;
    const now = nowSeconds();
    const existing = state.webhooks.get(destination);
    const hook: Webhook = existing
      ? { ...existing, settings: [...settings], updatedAt: now, disabled: false }
      : {
          id: state.nextId('webhook'),
          destination,
          settings: [...settings],
          createdAt: now,
          updatedAt: now,
          disabled: false,
        };
    state.webhooks.set(destination, hook);
    return hal(c, serialize(state, hook));
  });

  app.delete('/webhooks', async (c) => {
    const body = await readBody(c, DeleteBody);
    if (!body.ok) return body.response;
    if (!state.webhooks.delete(body.value.destination)) return problem(c, 404, 'Webhook not found');
    return c.body(null, 204);
  });

  return app;
}
