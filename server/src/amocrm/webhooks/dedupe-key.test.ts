import { describe, expect, it } from 'vitest';
import { eventDedupeKey } from './dedupe-key.js';
import { parseAmoWebhook } from './parse.js';
import { statusEventsBetween, updateEventsOf } from './reconcile-events.js';

const hook = (body: string) => parseAmoWebhook(`${body}&account[id]=9`).events[0]?.dedupeKey;

describe('one dedupe key for hooks, the Digital Pipeline and reconciliation', () => {
  it('gives the change reconciliation finds in the leads list the key of its update hook', () => {
    const fromHook = hook(
      'leads[update][0][id]=5&leads[update][0][status_id]=3&leads[update][0][pipeline_id]=2&leads[update][0][last_modified]=100&leads[update][0][name]=X',
    );
    const [fromList] = updateEventsOf(9, [{ id: 5, status_id: 3, pipeline_id: 2, updated_at: 100 }]);
    expect(fromList?.dedupeKey).toBe(fromHook);
    // An add is the lead's first version: the same change as an update of that version.
    expect(
      hook(
        'leads[add][0][id]=5&leads[add][0][status_id]=3&leads[add][0][pipeline_id]=2&leads[add][0][last_modified]=100',
      ),
    ).toBe(fromHook);
  });

  it('gives a move found in the events API the key of its status hook, and keeps a move back apart', async () => {
    const fromHook = hook(
      'leads[status][0][id]=5&leads[status][0][status_id]=3&leads[status][0][old_status_id]=4&leads[status][0][pipeline_id]=2&leads[status][0][old_pipeline_id]=2&leads[status][0][last_modified]=100',
    );
    const page = {
      _embedded: {
        events: [
          {
            id: 'a1',
            type: 'lead_status_changed',
            entity_id: 5,
            entity_type: 'lead',
            created_by: 11,
            created_at: 100,
            value_before: [{ lead_status: { id: 4, pipeline_id: 2 } }],
            value_after: [{ lead_status: { id: 3, pipeline_id: 2 } }],
          },
        ],
      },
    };
    const amo = { request: async () => page } as never;
    const [found] = await statusEventsBetween(amo, 9, 0, 200);
    expect(found?.dedupeKey).toBe(fromHook);
    expect(found?.record).toMatchObject({ old_status_id: 4, status_id: 3, modified_user_id: 11 });
    const back = eventDedupeKey(9, 'leads', 'status', {
      id: 5,
      status_id: 4,
      old_status_id: 3,
      pipeline_id: 2,
      last_modified: 100,
    });
    expect(back).not.toBe(fromHook);
  });

  it('keys a Digital Pipeline call apart from hooks about the same version', () => {
    const dp = eventDedupeKey(9, 'leads', 'dp', { id: 5, status_id: 3, pipeline_id: 2, last_modified: 100 });
    const update = eventDedupeKey(9, 'leads', 'update', {
      id: 5,
      status_id: 3,
      pipeline_id: 2,
      last_modified: 100,
    });
    expect(dp).not.toBe(update);
    expect(
      eventDedupeKey(9, 'leads', 'dp', { id: 5, status_id: 3, pipeline_id: 2, last_modified: 100 }),
    ).toBe(dp);
  });
});
