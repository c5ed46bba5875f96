import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import qs from 'qs';
import { z } from 'zod';
import type { Installation } from '../../amocrm/installations.js';
import { eventDedupeKey } from '../../amocrm/webhooks/dedupe-key.js';
import type { WebhookInbox } from '../../amocrm/webhooks/inbox.js';
import type { WebhookEvent } from '../../amocrm/webhooks/parse.js';
import { DomainError } from '../../errors.js';
import { bodyText } from '../body-text.js';

const num = z.coerce.number().int();

/** amoCRM's Digital Pipeline widget action: JSON or form, sent once, unsigned. */
export const DpBody = z
  .object({
    event: z
      .object({
        type: z.union([z.string(), z.number()]).optional(),
        type_code: z.string().optional(),
        data: z
          .object({
            id: num,
            element_type: num.optional(),
            status_id: num.optional(),
            pipeline_id: num.optional(),
          })
          .loose(),
        time: num.optional(),
      })
      .loose(),
    account_id: num,
    subdomain: z.string().optional(),
  })
  .loose();
export type DpBody = z.infer<typeof DpBody>;

/**
 * The Digital Pipeline body, JSON per the docs or form-encoded in practice; a bad one is a 400.
 * Returns the raw text (stored in the inbox), the decoded body and its checked form.
 */
export async function readDpBody(c: Context): Promise<{ raw: string; body: unknown; dp: DpBody }> {
  const raw = await bodyText(c);
  const type = c.req.header('content-type') ?? '';
  let body: unknown;
  try {
    body = type.includes('json') ? JSON.parse(raw) : qs.parse(raw, { depth: 6 });
  } catch {
    throw new DomainError('request.invalid', 'The Digital Pipeline body is not valid JSON.', {
      title: 'Malformed body',
    });
  }
  const parsed = DpBody.safeParse(body);
  if (!parsed.success)
    throw new DomainError(
      'request.invalid',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      { title: 'Malformed body' },
    );
  return { raw, body, dp: parsed.data };
}

/** Element type 2 = lead in amoCRM's Digital Pipeline payloads. */
export const LEAD_ELEMENT = 2;

export function dpWebhookRoutes(deps: {
  findByHookKey(hookKey: string): Promise<Installation | undefined>;
  inbox: Pick<WebhookInbox, 'store'>;
  onStored(ids: number[]): void;
}) {
  return new Hono().post('/webhooks/dp/:hookKey', bodyLimit({ maxSize: 64 * 1024 }), async (c) => {
    const inst = await deps.findByHookKey(c.req.param('hookKey'));
    if (inst?.status !== 'active')
      throw new DomainError('request.not_found', 'No active installation has this webhook URL.', {
        title: 'Unknown webhook',
      });
    const { raw, dp } = await readDpBody(c);
    if (dp.account_id !== inst.accountId)
      throw new DomainError('auth.forbidden', 'This webhook URL belongs to another account.', {
        title: 'Wrong account',
      });
    const data = dp.event.data;
    if ((data.element_type ?? LEAD_ELEMENT) !== LEAD_ELEMENT) return c.body(null, 204);
    const time = dp.event.time ?? Math.floor(Date.now() / 1000);
    const record = {
      id: data.id,
      status_id: data.status_id,
      pipeline_id: data.pipeline_id,
      last_modified: time,
    };
    const event: WebhookEvent = {
      entity: 'leads',
      action: 'dp',
      record,
      dedupeKey: eventDedupeKey(inst.accountId, 'leads', 'dp', record),
    };
    const { ids } = await deps.inbox.store(inst.accountId, raw, [event]);
    if (ids.length) setImmediate(() => deps.onStored(ids));
    return c.body(null, 204);
  });
}
