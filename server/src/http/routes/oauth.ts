import { Hono } from 'hono';
import { z } from 'zod';
import { parseAccountHost } from '../../amocrm/account-host.js';
import { verifyDisconnectSignature } from '../../amocrm/disconnect-signature.js';
import { isOurState, issueState, verifyState } from '../../amocrm/install-state.js';
import type { Installation } from '../../amocrm/installations.js';
import { OAuthRejected, type TokenPair } from '../../amocrm/oauth.js';
import type { Logger } from '../../log.js';
import { installPage, type PageStatus, type PageText } from './install-pages.js';

export interface OAuthRouteDeps {
  clientSecret: string;
  /** The integration's client id: disconnect calls for another integration are ignored. */
  clientId: string | undefined;
  exchangeCode(account: { subdomain: string; domain: string }, code: string): Promise<TokenPair>;
  /** Learns the account id with the fresh token, stores the installation and its tokens. */
  install(account: { subdomain: string; domain: string }, tokens: TokenPair): Promise<Installation>;
  /** Work that may take longer than amoCRM's 3 s (webhook subscription): queued. */
  afterInstall(inst: Installation): Promise<void>;
  /** Uninstall: stops all work for the account and purges its tokens (the audit trail stays). */
  disable(accountId: number): Promise<boolean>;
  /** Claims a state nonce once (true = first use); without it a state is checked but reusable. */
  claimState?(nonce: string, expiresAt: Date): Promise<boolean>;
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

const say = (ru: [string, string], en: [string, string]): PageText => ({
  ru: { title: ru[0], text: ru[1] },
  en: { title: en[0], text: en[1] },
});

const FAILED_RU = 'Не удалось подключить erp-bridge';
const FAILED_EN = 'Could not connect erp-bridge';
const AGAIN_RU = 'Установите интеграцию ещё раз из amoCRM (Настройки → Интеграции).';
const AGAIN_EN = 'Install the integration again from amoCRM (Settings → Integrations).';

/** Every way an install can end, worded for the admin who clicked Install. */
const PAGES = {
  incomplete: say(
    [FAILED_RU, `Ссылка установки неполная: нет кода авторизации или адреса аккаунта. ${AGAIN_RU}`],
    [FAILED_EN, `The install link is incomplete: no authorization code or account address. ${AGAIN_EN}`],
  ),
  unknownHost: say(
    [FAILED_RU, `Адрес аккаунта не похож на amoCRM или Kommo. ${AGAIN_RU}`],
    [FAILED_EN, `The account address is not an amoCRM or Kommo account. ${AGAIN_EN}`],
  ),
  stateForged: say(
    [
      FAILED_RU,
      `Ссылка установки повреждена или выдана не нами (параметр state не прошёл проверку). ${AGAIN_RU}`,
    ],
    [FAILED_EN, `The install link was altered or not issued by us (the state did not verify). ${AGAIN_EN}`],
  ),
  stateExpired: say(
    [FAILED_RU, 'Ссылка установки устарела (действует 20 минут). Начните установку заново.'],
    [FAILED_EN, 'The install link has expired (it is valid for 20 minutes). Start the install again.'],
  ),
  stateUsed: say(
    [FAILED_RU, 'Эта ссылка установки уже использована. Начните установку заново.'],
    [FAILED_EN, 'This install link was already used. Start the install again.'],
  ),
  codeRejected: say(
    ['Код авторизации недействителен', `amoCRM не принял код (он одноразовый и живёт 20 минут). ${AGAIN_RU}`],
    [
      'Authorization code invalid',
      `amoCRM refused the code (it is single-use and lives 20 minutes). ${AGAIN_EN}`,
    ],
  ),
  amoDown: say(
    ['amoCRM недоступна', 'amoCRM не ответила. Попробуйте ещё раз через минуту.'],
    ['amoCRM unavailable', 'amoCRM did not answer. Please try again in a minute.'],
  ),
  storeFailed: say(
    [FAILED_RU, 'amoCRM выдала доступ, но сохранить установку не удалось. Попробуйте ещё раз через минуту.'],
    [
      FAILED_EN,
      'amoCRM granted access, but the installation could not be saved. Please try again in a minute.',
    ],
  ),
  installed: say(
    ['erp-bridge подключён', 'Можно закрыть это окно и открыть настройки виджета в amoCRM.'],
    ['erp-bridge is connected', 'You can close this window and open the widget settings in amoCRM.'],
  ),
  refused: say(
    ['Отказано', 'Подпись запроса не прошла проверку.'],
    ['Refused', 'The request signature did not verify.'],
  ),
  otherIntegration: say(
    ['Отказано', 'Запрос для другой интеграции.'],
    ['Refused', 'The call is for another integration.'],
  ),
  disconnected: say(
    [
      'erp-bridge отключён',
      'Работа с аккаунтом остановлена, токены удалены; журнал проверок хранится по сроку хранения.',
    ],
    [
      'erp-bridge disconnected',
      'Work for the account stopped and its tokens were deleted; the check journal is kept for the retention period.',
    ],
  ),
  start: say(
    ['Подключение erp-bridge', 'Нажмите кнопку, войдите в amoCRM и разрешите доступ.'],
    ['Connect erp-bridge', 'Press the button, sign in to amoCRM and allow access.'],
  ),
} satisfies Record<string, PageText>;

const page = (name: keyof typeof PAGES, status: PageStatus, notice = false) =>
  installPage(PAGES[name], status, { notice });

/** Install (OAuth callback, install page) and uninstall (integration-disabled hook). */
export function oauthRoutes(deps: OAuthRouteDeps) {
  return new Hono()
    .get('/oauth/install', (c) => {
      // amoCRM's "button on site" OAuth start (https://www.amocrm.ru/developers/content/oauth/step-by-step):
      // the state we sign here comes back to /oauth/callback and is checked there.
      if (!deps.clientId) return page('incomplete', 400);
      const host = c.req.query('platform') === 'kommo' ? 'https://www.kommo.com' : 'https://www.amocrm.ru';
      const params = new URLSearchParams({
        client_id: deps.clientId,
        state: issueState(deps.clientSecret),
        mode: 'popup',
      });
      return installPage(PAGES.start, 200, {
        notice: true,
        action: { href: `${host}/oauth?${params}`, ru: 'Подключить amoCRM', en: 'Connect amoCRM' },
      });
    })
    .get('/oauth/callback', async (c) => {
      const q = CallbackQuery.safeParse(c.req.query());
      if (!q.success) {
        deps.log.warn({ referer: c.req.query('referer') }, 'oauth callback refused: missing code or referer');
        return page('incomplete', 400);
      }
      const account = parseAccountHost(q.data.referer);
      if (!account) {
        deps.log.warn({ referer: q.data.referer }, 'oauth callback refused: unknown referer');
        return page('unknownHost', 400);
      }
      // A state in our format was issued by our install page: it must verify and be unused.
      if (isOurState(q.data.state)) {
        const check = verifyState(deps.clientSecret, q.data.state);
        if (!check.ok) {
          deps.log.warn(
            { subdomain: account.subdomain, reason: check.reason },
            'oauth callback refused: state',
          );
          return page(check.reason === 'expired' ? 'stateExpired' : 'stateForged', 403);
        }
        if (deps.claimState && !(await deps.claimState(check.nonce, check.expiresAt))) {
          deps.log.warn({ subdomain: account.subdomain }, 'oauth callback refused: state reused');
          return page('stateUsed', 403);
        }
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
        return rejected ? page('codeRejected', 400) : page('amoDown', 502);
      }
      let inst: Installation;
      try {
        inst = await deps.install(account, tokens);
        await deps.afterInstall(inst);
      } catch (err) {
        deps.log.error({ err, subdomain: account.subdomain }, 'install could not be stored');
        return page('storeFailed', 502);
      }
      deps.log.info(
        { accountId: inst.accountId, subdomain: inst.subdomain, fromWidget: q.data.from_widget === '1' },
        'installed',
      );
      return page('installed', 200, true);
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
        return page('refused', 401);
      }
      if (deps.clientId && q.data.client_uuid !== deps.clientId) return page('otherIntegration', 400);
      // Verified: stop all work and purge the tokens; the audit trail (guard decisions, journal)
      // stays for RETENTION_DAYS, and a reinstall picks the same installation up again.
      const found = await deps.disable(Number(q.data.account_id));
      deps.log.info({ accountId: q.data.account_id, found }, 'integration disabled by amoCRM');
      return page('disconnected', 200);
    });
}
