import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import { z } from 'zod';
import type { EmulatorState } from '../state.js';
import { buildSandboxConfig, DEFAULT_CARD, SANDBOX_CLIENT_UUID } from './config.js';
import { renderSandboxPage } from './page.js';
import { signDisposableToken, TokenRequest } from './token.js';
import { vendorRoutes } from './vendor.js';

const PageQuery = z.object({
  lead: z.coerce.number().int().nonnegative().catch(1001),
  /** Contact and company cards: ?entity=contacts&id=2001, ?entity=companies&id=3001. */
  entity: z.enum(['leads', 'contacts', 'companies']).catch('leads'),
  id: z.coerce.number().int().nonnegative().optional().catch(undefined),
  /** ?page=settings: the widget's advanced settings page instead of a card. */
  page: z.enum(['card', 'settings']).catch('card'),
  lang: z.enum(['ru', 'en', 'es', 'pt']).catch('ru'),
  /** ?theme=dark: the host's dark theme (see card.css); ?theme_marker says how the host marks it. */
  theme: z.enum(['light', 'dark']).catch('light'),
  theme_marker: z.enum(['attr', 'class', 'both']).catch('both'),
  /** admin=0 plays a non-admin manager (tokens carry is_admin false). */
  admin: z
    .enum(['0', '1'])
    .optional()
    .catch(undefined)
    .transform((v) => v !== '0'),
});

/** Browser files shipped as-is beside this module: not bundled, so the page runs exactly this code. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'host.js': { file: 'host-shim.js', type: 'text/javascript; charset=utf-8' },
  'card.css': { file: 'card.css', type: 'text/css; charset=utf-8' },
};

export interface SandboxOptions {
  clientSecret: string;
  backendUrl: string;
}

export function sandboxRoutes(state: EmulatorState, opts: SandboxOptions): Hono {
  const app = new Hono();

  app.get('/', (c) => {
    const q = PageQuery.parse(c.req.query());
    const cfg = buildSandboxConfig(state, {
      page: q.page,
      entity: q.entity,
      cardId: q.id ?? (q.entity === 'leads' ? q.lead : (DEFAULT_CARD[q.entity] ?? 0)),
      lang: q.lang,
      theme: q.theme,
      themeMarker: q.theme_marker,
      isAdmin: q.admin,
      backendUrl: opts.backendUrl,
    });
    return c.html(renderSandboxPage(cfg), 200, { 'Cache-Control': 'no-store' });
  });

  app.post('/disposable-token', async (c) => {
    const raw = await c.req.text();
    let json: unknown = {};
    try {
      json = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      return c.json({ error: 'Body must be JSON' }, 400);
    }
    const body = TokenRequest.safeParse(json);
    if (!body.success) return c.json({ error: body.error.message }, 400);
    const defaultUser = [...state.users.values()].find((u) => !u.isAdmin) ?? [...state.users.values()][0];
    const token = await signDisposableToken(
      {
        clientSecret: opts.clientSecret,
        backendUrl: opts.backendUrl,
        accountId: state.account.id,
        subdomain: state.account.subdomain,
        clientUuid: SANDBOX_CLIENT_UUID,
        defaultUserId: defaultUser?.id ?? 0,
      },
      body.data,
    );
    return c.json({ token }, 200, { 'Cache-Control': 'no-store' });
  });

  app.route('/vendor', vendorRoutes());

  app.get('/:asset', async (c) => {
    const asset = ASSETS[c.req.param('asset')];
    if (!asset) return c.text('Not Found', 404);
    const body = await readFile(new URL(`./${asset.file}`, import.meta.url), 'utf8');
    return c.body(body, 200, { 'Content-Type': asset.type, 'Cache-Control': 'no-cache' });
  });

  return app;
}
