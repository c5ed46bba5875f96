import { z } from 'zod';
import type { AmoClient } from '../client.js';
import { eventDedupeKey } from './dedupe-key.js';
import type { WebhookEvent } from './parse.js';

/**
 * GET /api/v4/events, type lead_status_changed: `value_before` / `value_after` hold
 * `[{lead_status: {id, pipeline_id}}]` (amoCRM API v4 "События и примечания",
 * https://www.amocrm.ru/developers/content/crm_platform/events-and-notes; Kommo "Events list",
 * https://developers.kommo.com/reference/events-list). At most 100 events per page.
 */
const LeadStatus = z
  .object({ lead_status: z.object({ id: z.number().int(), pipeline_id: z.number().int() }).loose() })
  .loose();
const AmoEvent = z
  .object({
    id: z.string(),
    type: z.string(),
    entity_id: z.number().int(),
    entity_type: z.string(),
    created_by: z.number().int().nullish(),
    created_at: z.number().int(),
    value_before: z.array(z.unknown()).nullish(),
    value_after: z.array(z.unknown()).nullish(),
  })
  .loose();
const EventList = z
  .object({
    _links: z
      .object({ next: z.object({ href: z.string() }).optional() })
      .loose()
      .optional(),
    _embedded: z.object({ events: z.array(AmoEvent) }),
  })
  .loose();
const EVENTS_PAGE = 100;

function stageOf(values: readonly unknown[] | null | undefined) {
  for (const v of values ?? []) {
    const parsed = LeadStatus.safeParse(v);
    if (parsed.success) return parsed.data.lead_status;
  }
  return undefined;
}

/**
 * Stage moves in [from, to] (unix seconds) as the `status` events a hook would have brought,
 * with the stage each deal left, so a move found here is moved back like a hooked one.
 */
export async function statusEventsBetween(
  amo: Pick<AmoClient, 'request'>,
  accountId: number,
  from: number,
  to: number,
): Promise<WebhookEvent[]> {
  const out: WebhookEvent[] = [];
  for (let page = 1; ; page++) {
    const q = new URLSearchParams({
      'filter[type]': 'lead_status_changed',
      'filter[entity]': 'lead',
      'filter[created_at][from]': String(from),
      'filter[created_at][to]': String(to),
      limit: String(EVENTS_PAGE),
      page: String(page),
    });
    const body = await amo.request('GET', '/events', EventList, { query: q });
    if (!body) break;
    for (const e of body._embedded.events) {
      const before = stageOf(e.value_before);
      const after = stageOf(e.value_after);
      if (e.type !== 'lead_status_changed' || !after || e.entity_id <= 0) continue;
      const record = {
        id: e.entity_id,
        status_id: after.id,
        pipeline_id: after.pipeline_id,
        old_status_id: before?.id,
        old_pipeline_id: before?.pipeline_id,
        last_modified: e.created_at,
        modified_user_id: e.created_by ?? undefined,
      };
      out.push({
        entity: 'leads',
        action: 'status',
        record,
        dedupeKey: eventDedupeKey(accountId, 'leads', 'status', record),
        source: 'reconcile',
      });
    }
    if (!body._links?.next) break;
  }
  return out;
}

/** Leads changed in the window as the `update` events a hook would have brought. */
export function updateEventsOf(
  accountId: number,
  leads: readonly {
    id: number;
    status_id: number;
    pipeline_id: number;
    updated_at?: number | null;
    updated_by?: unknown;
  }[],
): WebhookEvent[] {
  return leads.map((lead) => {
    const record = {
      id: lead.id,
      status_id: lead.status_id,
      pipeline_id: lead.pipeline_id,
      last_modified: lead.updated_at ?? undefined,
      modified_user_id: typeof lead.updated_by === 'number' ? lead.updated_by : undefined,
    };
    return {
      entity: 'leads',
      action: 'update',
      record,
      dedupeKey: eventDedupeKey(accountId, 'leads', 'update', record),
    };
  });
}
