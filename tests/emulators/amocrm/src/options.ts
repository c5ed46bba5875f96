import { z } from 'zod';
import { parseOptions } from '../../options.js';
import { DEMO_ACCOUNT } from './seed.js';

export const AmoEmulatorOptions = z.object({
  /** Signs sandbox disposable tokens (HS256), as amoCRM signs them with the integration's secret. */
  clientSecret: z.string().min(1),
  /** Our backend's origin: `aud` of disposable tokens and the widget's `backend_url` setting. */
  backendUrl: z.url(),
  /** Unpacked widget archive (manifest.json, script.js, i18n/, images/), read on every request. */
  widgetDir: z.string().min(1),
  /** A long-lived API token (private integrations): valid forever, alongside OAuth-issued ones. */
  accessToken: z.string().min(1),
  /** The integration's id, checked by POST /oauth2/access_token. */
  clientId: z.string().min(1).default('demo-client-id'),
  /** The integration's redirect URI; default `${backendUrl}/oauth/callback`. */
  redirectUri: z.url().optional(),
  /** expires_in of OAuth-issued access tokens. */
  accessTokenTtlSeconds: z.number().int().positive().default(86_400),
  accountId: z.number().int().positive().default(DEMO_ACCOUNT.id),
  subdomain: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default(DEMO_ACCOUNT.subdomain),
  /** Latency added to every API route, to make caches and coalescing measurable. */
  latencyMs: z.number().int().nonnegative().default(0),
  /** amoCRM's 7 requests per second per integration on /api/v4 (sliding 1 s window); 0 disables. */
  rateLimitPerSecond: z.number().int().nonnegative().default(7),
  /** More 429s than this within 60 s blocks the account (every API request then answers 403). */
  abuseThreshold: z.number().int().nonnegative().default(30),
  abuseBlockMs: z.number().int().nonnegative().default(60_000),
  /**
   * Whether API moves must fill fields whose `required_statuses` name the target stage. amoCRM's
   * UI enforces them; whether the API does is UNCONFIRMED, so it is a switch (default: not).
   */
  apiHonoursRequiredStatuses: z.boolean().default(false),
  /** Post webhooks as changes happen; when false they queue until `webhooks.flush()`. */
  autoDeliverWebhooks: z.boolean().default(true),
  /** amoCRM waits about 2 s for a webhook answer. */
  webhookTimeoutMs: z.number().int().positive().default(2_000),
  /** Retries after a failed delivery, with delays base, 2×base, 4×base… */
  webhookRetries: z.number().int().nonnegative().default(3),
  webhookRetryBaseMs: z.number().int().nonnegative().default(1_000),
  /** How webhooks are posted (default: global fetch); tests may route them into an app in memory. */
  fetch: z.custom<typeof fetch>((v) => typeof v === 'function').optional(),
});
export type AmoEmulatorOptions = z.input<typeof AmoEmulatorOptions>;
export type ResolvedOptions = Omit<z.output<typeof AmoEmulatorOptions>, 'redirectUri'> & {
  redirectUri: string;
};

export function resolveOptions(opts: AmoEmulatorOptions): ResolvedOptions {
  const data = parseOptions('amoCRM emulator', AmoEmulatorOptions, opts);
  return {
    ...data,
    redirectUri: data.redirectUri ?? `${data.backendUrl.replace(/\/+$/, '')}/oauth/callback`,
  };
}
