import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { parseAccountHost } from '../../amocrm/account-host.js';
import { verifyDisconnectSignature } from '../../amocrm/disconnect-signature.js';
import type { Installation } from '../../amocrm/installations.js';
import { OAuthRejected, type TokenPair } from '../../amocrm/oauth.js';
import type { Logger } from '../../log.js';

export interface OAuthRouteDeps {
  clientSecret: string;
  /** The integration's client id: disconnect calls for another integration are ignored. */
  clientId: string | undefined;
  exchangeCode(account: { subdomain: string; domain: string }, code: string): Promise<TokenPair>;
  /** Learns the account id with the fresh token, stores the installation and its tokens. */
  install(account: { subdomain: string; domain: string }, tokens: TokenPair): Promise<Installation>;
  /** Work that may take longer than amoCRM's 3 s (webhook subscription): queued. */
  afterInstall(inst: Installation): Promise<void>;
  disable(accountId: number): Promise<boolean>;
  log: Logger;
}

const CallbackQuery = z.object({
  code: z.string().min(1).max(4096),
  referer: z.string().min(1).max(255),
  state: z.string().max(512).optional(),
  from_widget: z.string().optional(),
});

const DisconnectQuery = z.object({
  account_id: z.string().regex(/^\d+$/),
  client_uuid: z.string().min(1).max(100),
  signature: z.string().regex(/^[0-9a-f]{64}$/i),
});

const page = (title: string, text: string, status: 200 | 400 | 401 | 502) =>
  new Response(
    String(html`<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:15px system-ui,sans-serif;color:#313942;max-width:36em;margin:4em auto;padding:0 1em}h1{font-size:20px}</style></head>
<body><h1>${title}</h1><p>${text}</p></body></html>`),
    { status, headers: { 'content-type': 'text/html; charset=utf-8' } },
  );

/** Install (OAuth callback) and uninstall (integration-disabled hook). */
export function oauthRoutes(deps: OAuthRouteDeps) {
  return new Hono()
    .get('/oauth/callback', async (c) => {
      const q = CallbackQuery.safeParse(c.req.query());
      const account = q.success ? parseAccountHost(q.data.referer) : undefined;
      if (!q.success || !account) {
        deps.log.warn(
          { referer: c.req.query('referer') },
          'oauth callback refused: missing code or unknown referer',
        );
        return page(
          'Не удалось подключить erp-bridge / Could not connect',
          'Ссылка установки неполная. The install link is incomplete.',
          400,
        );
      }
      let tokens: TokenPair;
      try {
        tokens = await deps.exchangeCode(account, q.data.code);
      } catch (err) {
        const rejected = err instanceof OAuthRejected;
        deps.log.warn(
          {
            subdomain: account.subdomain,
            status: rejected ? err.status : undefined,
            hint: rejected ? err.hint : undefined,
          },
          'oauth code exchange failed',
        );
        return rejected
          ? page(
              'Код авторизации недействителен / Authorization code invalid',
              'Установите интеграцию ещё раз. Please install the integration again.',
              400,
            )
          : page(
              'amoCRM недоступна / amoCRM unavailable',
              'Попробуйте ещё раз через минуту. Please try again in a minute.',
              502,
            );
      }
      const inst = await deps.install(account, tokens);
      await deps.afterInstall(inst);
      deps.log.info(
        { accountId: inst.accountId, subdomain: inst.subdomain, fromWidget: q.data.from_widget === '1' },
        'installed',
      );
      return page(
        'erp-bridge подключён / connected',
        'Можно закрыть это окно. You can close this window.',
        200,
      );
    })
    .get('/oauth/disconnect', async (c) => {
      const q = DisconnectQuery.safeParse(c.req.query());
      if (
        !q.success ||
        !verifyDisconnectSignature(deps.clientSecret, q.data.client_uuid, q.data.account_id, q.data.signature)
      ) {
        deps.log.warn(
          { accountId: c.req.query('account_id') },
          'disconnect call refused: signature missing or wrong',
        );
        return page('Отказано / Refused', 'Подпись не прошла проверку. The signature did not verify.', 401);
      }
      if (deps.clientId && q.data.client_uuid !== deps.clientId) {
        return page('Отказано / Refused', 'Другая интеграция. Another integration.', 400);
      }
      // Never delete data on this call: the account may come back, and the scheme is unconfirmed.
      const found = await deps.disable(Number(q.data.account_id));
      deps.log.info({ accountId: q.data.account_id, found }, 'integration disabled by amoCRM');
      return page('Отключено / Disconnected', 'erp-bridge отключён. erp-bridge is disconnected.', 200);
    });
}
