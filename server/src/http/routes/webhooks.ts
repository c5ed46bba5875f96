import { Hono } from 'hono';
import type { Installation } from '../../amocrm/installations.js';
import type { WebhookInbox } from '../../amocrm/webhooks/inbox.js';
import { parseAmoWebhook, WebhookParseError } from '../../amocrm/webhooks/parse.js';
import { DomainError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import { bodyText } from '../body-text.js';

export interface WebhookRouteDeps {
  findByHookKey(hookKey: string): Promise<Installation | undefined>;
  inbox: Pick<WebhookInbox, 'store'>;
  /** Called after the 204 is on its way: hands the new inbox rows to the queue. */
  onStored(ids: number[]): void;
  log: Logger;
  metrics: Metrics;
  /** Most events one body may carry; a larger body is refused whole (default 1000). */
  maxEvents?: number;
}

export const MAX_EVENTS_PER_BODY = 1000;

/**
 * amoCRM webhooks are not signed: the unguessable key in the URL names the installation, and the
 * body's account must be that installation's. The body is stored before we answer, and nothing
 * else happens before the answer (amoCRM waits about 2 s and disables hooks that keep failing).
 */
export function webhookRoutes(deps: WebhookRouteDeps) {
  return new Hono().post('/webhooks/amocrm/:hookKey', async (c) => {
    const started = performance.now();
    const inst = await deps.findByHookKey(c.req.param('hookKey'));
    if (inst?.status !== 'active') {
      deps.metrics.webhooks.received.inc({ result: 'unknown_key' });
      throw new DomainError('request.not_found', 'No active installation has this webhook URL.', {
        title: 'Unknown webhook',
      });
    }
    const type = c.req.header('content-type') ?? '';
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      throw new DomainError(
        'request.unsupported_media_type',
        'amoCRM webhooks are application/x-www-form-urlencoded.',
        { title: 'Unsupported media type' },
      );
    }
    const raw = await bodyText(c);
    let parsed: ReturnType<typeof parseAmoWebhook>;
    try {
      parsed = parseAmoWebhook(raw);
    } catch (err) {
      deps.metrics.webhooks.received.inc({ result: 'malformed' });
      if (err instanceof WebhookParseError)
        throw new DomainError('request.invalid', err.message, { title: 'Malformed webhook' });
      throw err;
    }
    const maxEvents = deps.maxEvents ?? MAX_EVENTS_PER_BODY;
    if (parsed.events.length > maxEvents) {
      deps.metrics.webhooks.received.inc({ result: 'too_many_events' });
      throw new DomainError(
        'request.payload_too_large',
        `A webhook body may carry at most ${maxEvents} events; this one has ${parsed.events.length}.`,
        { title: 'Too many events' },
      );
    }
    if (parsed.accountId !== inst.accountId) {
      deps.metrics.webhooks.received.inc({ result: 'foreign_account' });
      deps.log.warn(
        { hookAccount: parsed.accountId, installation: inst.accountId },
        'webhook for another account refused',
      );
      throw new DomainError('auth.forbidden', 'This webhook URL belongs to another account.', {
        title: 'Wrong account',
      });
    }
    const { ids, duplicates } = await deps.inbox.store(inst.accountId, raw, parsed.events);
    deps.metrics.webhooks.received.inc({ result: 'stored' }, ids.length);
    if (duplicates) deps.metrics.webhooks.received.inc({ result: 'duplicate' }, duplicates);
    // Events with impossible ids were dropped at parse (the others are stored): count them, too.
    if (parsed.rejected.length)
      deps.metrics.webhooks.received.inc({ result: 'rejected' }, parsed.rejected.length);
    if (ids.length) setImmediate(() => deps.onStored(ids));
    deps.metrics.webhooks.ackSeconds.observe((performance.now() - started) / 1000);
    return c.body(null, 204);
  });
}
