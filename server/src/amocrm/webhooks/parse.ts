import { createHash } from 'node:crypto';
import qs from 'qs';
import { z } from 'zod';

/**
 * amoCRM's webhook body: form-encoded with nested bracket keys, several entities and actions in
 * one body, e.g. leads[status][0][id]=1&leads[update][0][id]=2&account[id]=3.
 */
const num = z.coerce.number().int();
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
    id: num,
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
    account: z.object({ id: num, subdomain: z.string().optional() }).loose(),
  })
  .loose();

export const ENTITIES = [
  'leads',
  'contacts',
  'companies',
  'customers',
  'tasks',
  'catalogs',
  'unsorted',
  'talk',
  'message',
] as const;

export interface WebhookEvent {
  entity: string;
  action: string;
  record: WebhookRecord;
  /** Same event delivered twice = same key. */
  dedupeKey: string;
}

export interface ParsedWebhook {
  accountId: number;
  subdomain: string | undefined;
  events: WebhookEvent[];
}

export class WebhookParseError extends Error {}

/** qs turns long arrays into objects with numeric keys; accept both. */
function listOf(v: unknown): unknown {
  if (v === undefined || Array.isArray(v)) return v;
  if (v && typeof v === 'object') return Object.values(v);
  return v;
}

export function parseAmoWebhook(raw: string): ParsedWebhook {
  const tree = qs.parse(raw, {
    depth: 8,
    arrayLimit: 1000,
    parameterLimit: 20_000,
    allowDots: false,
    charset: 'utf-8',
  });
  const body = Body.safeParse(tree);
  if (!body.success) throw new WebhookParseError('the body has no account[id]');
  const accountId = body.data.account.id;

  const events: WebhookEvent[] = [];
  for (const [entity, actions] of Object.entries(tree)) {
    if (entity === 'account' || !actions || typeof actions !== 'object') continue;
    for (const [action, records] of Object.entries(actions as Record<string, unknown>)) {
      const list = listOf(records);
      if (!Array.isArray(list)) throw new WebhookParseError(`${entity}[${action}] is not a list of records`);
      for (const [i, rec] of list.entries()) {
        const parsed = EntityRecord.safeParse(rec);
        if (!parsed.success)
          throw new WebhookParseError(
            `${entity}[${action}][${i}]: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
          );
        events.push({
          entity,
          action,
          record: parsed.data,
          dedupeKey: dedupeKey(accountId, entity, action, parsed.data),
        });
      }
    }
  }
  return { accountId, subdomain: body.data.account.subdomain, events };
}

/**
 * amoCRM re-delivers a failed hook with the same content, so the content identifies a delivery.
 * The modification time alone would not: it has one-second resolution, and a move and our own
 * move back within one second would collide.
 */
function dedupeKey(accountId: number, entity: string, action: string, record: WebhookRecord): string {
  const version = record.last_modified ?? record.updated_at ?? '';
  const content = createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 16);
  return `${accountId}:${entity}:${action}:${record.id}:${version}:${content}`;
}
