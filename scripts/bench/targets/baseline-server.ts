import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { jwtVerify } from 'jose';
import { serveCommands } from '../lib/child.js';

/**
 * The architecture's yardstick: a minimal Hono route on @hono/node-server that only verifies an
 * HS256 token with jose and returns JSON. BASELINE_SECRET, BASELINE_AUDIENCE.
 */
const secret = new TextEncoder().encode(process.env.BASELINE_SECRET ?? '');
const audience = process.env.BASELINE_AUDIENCE ?? '';

const app = new Hono();
app.get('/api/v1/leads/:id/stock', async (c) => {
  const token = c.req.header('X-Auth-Token');
  if (!token) return c.json({ code: 'auth.missing_token' }, 401);
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], audience });
    return c.json({ leadId: Number(c.req.param('id')), accountId: payload.account_id, status: 'ok' });
  } catch {
    return c.json({ code: 'auth.invalid_token' }, 401);
  }
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  serveCommands(
    { url: `http://127.0.0.1:${info.port}` },
    {},
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  );
});
