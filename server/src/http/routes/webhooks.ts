import { Hono } from 'hono';
import type { Installation } from '../../amocrm/installations.js';
import type { WebhookInbox } from '../../amocrm/webhooks/inbox.js';
import { parseAmoWebhook, WebhookParseError } from '../../amocrm/webhooks/parse.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import { HttpProblem } from '../problem.js';

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
      throw new HttpProblem(
        404,
        'request.not_found',
        'Unknown webhook',
        'No active installation has this webhook URL.',
      );
    }
    const type = c.req.header('content-type') ?? '';
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      throw new HttpProblem(
        415,
        'request.invalid',
        'Unsupported media type',
        'amoCRM webhooks are application/x-www-form-urlencoded.',
      );
    }
    const raw = await c.req.text();
    let parsed: ReturnType<typeof parseAmoWebhook>;
    try {
      parsed = parseAmoWebhook(raw);
    } catch (err) {
      deps.metrics.webhooks.received.inc({ result: 'malformed' });
      if (err instanceof WebhookParseError)
        throw new HttpProblem(400, 'request.invalid', 'Malformed webhook', err.message);
      throw err;
    }
    const maxEvents = deps.maxEvents ?? MAX_EVENTS_PER_BODY;
    if (parsed.events.length > maxEvents) {
      deps.metrics.webhooks.received.inc({ result: 'too_many_events' });
      throw new HttpProblem(
        413,
        'request.payload_too_large',
        'Too many events',
        `A webhook body may carry at most ${maxEvents} events; this one has ${parsed.events.length}.`,
      );
    }
    if (parsed.accountId !== inst.accountId) {
      deps.metrics.webhooks.received.inc({ result: 'foreign_account' });
      deps.log.warn(
        { hookAccount: parsed.accountId, installation: inst.accountId },
        'webhook for another account refused',
      );
      throw new HttpProblem(
        403,
        'auth.forbidden',
        'Wrong account',
        'This webhook URL belongs to another account.',
      );
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
