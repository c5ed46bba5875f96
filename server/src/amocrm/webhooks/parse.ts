import { z } from 'zod';
import { eventDedupeKey } from './dedupe-key.js';
import { parseFormTree } from './form-tree.js';

/**
 * An amoCRM entity id as a form value: a positive decimal integer. 0, -1, '', hex or a number
 * beyond 2^53 is no entity amoCRM has; let through, it would poison the guard's batch read (amoCRM
 * answers 400 to the whole filter).
 */
export const EntityId = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, 'not an amoCRM id')
  .transform(Number)
  .refine(Number.isSafeInteger, 'not an amoCRM id');

/**
 * amoCRM's webhook body: form-encoded with nested bracket keys, several entities and actions in
 * one body, e.g. leads[status][0][id]=1&leads[update][0][id]=2&account[id]=3.
 */
const optNum = z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().optional());

const Tag = z.object({ id: optNum, name: z.string().optional() }).loose();
const CustomField = z
  .object({
    id: optNum,
    name: z.string().optional(),
    code: z.string().optional(),
    values: z
      .preprocess(listOf, z.array(z.union([z.object({ value: z.unknown() }).loose(), z.string()])))
      .optional(),
  })
  .loose();

const EntityRecord = z
  .object({
    id: EntityId,
    name: z.string().optional(),
    status_id: optNum,
    old_status_id: optNum,
    pipeline_id: optNum,
    old_pipeline_id: optNum,
    responsible_user_id: optNum,
    modified_user_id: optNum,
    last_modified: optNum,
    updated_at: optNum,
    date_create: optNum,
    account_id: optNum,
    tags: z.preprocess(listOf, z.array(Tag)).optional(),
    custom_fields: z.preprocess(listOf, z.array(CustomField)).optional(),
  })
  .loose();
export type WebhookRecord = z.infer<typeof EntityRecord>;

const Body = z
  .object({
    account: z.object({ id: EntityId, subdomain: z.string().optional() }).loose(),
  })
  .loose();

export interface WebhookEvent {
  entity: string;
  action: string;
  record: WebhookRecord;
  /** Same event delivered twice = same key. */
  dedupeKey: string;
  /** Set when reconciliation found the change (no hook brought it). */
  source?: 'reconcile';
}

/** A record refused at parse (an impossible id, a malformed field): the others of its body go on. */
export interface RejectedRecord {
  path: string;
  reason: string;
}

export interface ParsedWebhook {
  accountId: number;
  subdomain: string | undefined;
  events: WebhookEvent[];
  rejected: RejectedRecord[];
}

export class WebhookParseError extends Error {}

/** qs turns long arrays into objects with numeric keys; accept both. */
function listOf(v: unknown): unknown {
  if (v === undefined || Array.isArray(v)) return v;
  if (v && typeof v === 'object') return Object.values(v);
  return v;
}

export function parseAmoWebhook(raw: string): ParsedWebhook {
  const tree = parseFormTree(raw);
  const body = Body.safeParse(tree);
  if (!body.success) throw new WebhookParseError('the body has no account[id]');
  const accountId = body.data.account.id;

  const events: WebhookEvent[] = [];
  const rejected: RejectedRecord[] = [];
  for (const [entity, actions] of Object.entries(tree)) {
    if (entity === 'account' || !actions || typeof actions !== 'object') continue;
    for (const [action, records] of Object.entries(actions as Record<string, unknown>)) {
      const list = listOf(records);
      if (!Array.isArray(list)) {
        rejected.push({ path: `${entity}[${action}]`, reason: 'not a list of records' });
        continue;
      }
      for (const [i, rec] of list.entries()) {
        const parsed = EntityRecord.safeParse(rec);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          rejected.push({
            path: `${entity}[${action}][${i}]`,
            reason: `${issue?.path.join('.')} ${issue?.message}`,
          });
          continue;
        }
        events.push({
          entity,
          action,
          record: parsed.data,
          dedupeKey: eventDedupeKey(accountId, entity, action, parsed.data),
        });
      }
    }
  }
  if (events.length === 0 && rejected.length > 0)
    throw new WebhookParseError(`no valid event: ${rejected[0]?.path} ${rejected[0]?.reason}`);
  return { accountId, subdomain: body.data.account.subdomain, events, rejected };
}
