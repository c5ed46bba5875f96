import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Installation } from '../../amocrm/installations.js';
import { DP_CHECK_ONLY_ACTION } from '../../amocrm/webhooks/dp-check-only.js';
import type { WebhookInbox } from '../../amocrm/webhooks/inbox.js';
import type { WebhookEvent } from '../../amocrm/webhooks/parse.js';
import { BoundedCache } from '../../lib/bounded-cache.js';
import type { Logger } from '../../log.js';
import { LEAD_ELEMENT, readDpBody } from './dp-webhook.js';

/**
 * One check per deal per window, whatever the number of calls: the static URL is public and the
 * call unsigned (Kommo documents no signature: https://developers.kommo.com/docs/widgets-dp), so
 * a flood of forged calls for one deal costs at most one re-read of it per window.
 */
export const DP_COALESCE_WINDOW_MS = 10_000;

export interface DpStaticDeps {
  findActive(accountId: number): Promise<Installation | undefined>;
  inbox: Pick<WebhookInbox, 'store'>;
  onStored(ids: number[]): void;
  log: Logger;
  now?: () => number;
}

/**
 * What the action should do, from `action.settings.widget.settings.mode` (the manifest's
 * dp.settings.mode, a text field: Kommo's settings field types have no select,
 * https://developers.kommo.com/docs/field-types). "check" (or a translation of it) = check only;
 * anything else, or nothing = check and move back (the account's guard action).
 */
export function dpMode(body: unknown): 'check' | 'check_move' {
  const mode = (body as { action?: { settings?: { widget?: { settings?: { mode?: unknown } } } } })?.action
    ?.settings?.widget?.settings?.mode;
  if (typeof mode !== 'string') return 'check_move';
  return /^\s*(check|check[ _-]?only|проверка|проверить|только проверка|verificar|solo verificar|apenas verificar)\s*$/i.test(
    mode,
  )
    ? 'check'
    : 'check_move';
}

/**
 * POST /webhooks/dp: the Digital Pipeline action from the one static URL in the manifest
 * (dp.webhook_url; amoCRM substitutes nothing in it). The account comes from the body's
 * `account_id` and must match its `subdomain`; an account we do not serve gets 204 and nothing
 * happens, so the URL tells a prober nothing. The body is only a hint: the guard re-reads the deal
 * from amoCRM (rate-limited) before it decides anything.
 * Body per https://developers.kommo.com/docs/widgets-dp (JSON); form-encoded in practice.
 */
export function dpStaticRoutes(deps: DpStaticDeps) {
  const now = deps.now ?? Date.now;
  // This process's recent keys: a repeat within the window stores nothing (not even the body);
  // the inbox's unique dedupe key does the same across instances.
  const recent = new BoundedCache<true>({ max: 10_000, ttlMs: DP_COALESCE_WINDOW_MS, now });
  return new Hono().post('/webhooks/dp', bodyLimit({ maxSize: 64 * 1024 }), async (c) => {
    const { raw, body, dp } = await readDpBody(c);
    const { account_id: accountId, subdomain, event: dpEvent } = dp;
    // Anyone may send any account_id: only a plausible one reaches the (bounded) lookup.
    const inst =
      Number.isSafeInteger(accountId) && accountId > 0 ? await deps.findActive(accountId) : undefined;
    if (!inst || !subdomain || subdomain.toLowerCase() !== inst.subdomain.toLowerCase()) {
      if (inst) deps.log.warn({ accountId }, 'dp call ignored: subdomain does not match the installation');
      return c.body(null, 204);
    }
    const data = dpEvent.data;
    if ((data.element_type ?? LEAD_ELEMENT) !== LEAD_ELEMENT) return c.body(null, 204);
    const mode = dpMode(body);
    // The window comes from our clock, never the body's `time`: a forger controls that.
    const window = Math.floor(now() / DP_COALESCE_WINDOW_MS);
    const event: WebhookEvent = {
      entity: 'leads',
      action: mode === 'check' ? DP_CHECK_ONLY_ACTION : 'dp',
      record: {
        id: data.id,
        status_id: data.status_id,
        pipeline_id: data.pipeline_id,
        last_modified: Math.floor(now() / 1000),
      },
      dedupeKey: `${accountId}:leads:dp-static:${mode}:${data.id}:${window}`,
    };
    if (recent.get(event.dedupeKey)) return c.body(null, 204);
    recent.set(event.dedupeKey, true);
    const { ids } = await deps.inbox.store(accountId, raw, [event]);
    if (ids.length) setImmediate(() => deps.onStored(ids));
    return c.body(null, 204);
  });
}
