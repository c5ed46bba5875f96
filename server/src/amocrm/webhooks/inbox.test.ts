import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/open.js';
import { webhookBodies } from '../../db/schema.js';
import { testBackends } from '../../db/test-databases.js';
import { createWebhookInbox } from './inbox.js';

const DAY = 86_400_000;

describe.each(testBackends)('webhook retention on $name', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(() => database.close());

  const event = (id: number, tag: string) => ({
    entity: 'leads',
    action: 'update',
    record: { id, last_modified: 1 },
    dedupeKey: `1:${tag}:${id}`,
  });

  it('purges processed events and orphaned bodies after the retention period, by a controlled clock', async () => {
    const inbox = createWebhookInbox(database.db);
    const done = await inbox.store(1, 'body-done', [event(1, 'r'), event(2, 'r')]);
    const open = await inbox.store(1, 'body-open', [event(3, 'r')]);
    const dup = await inbox.store(1, 'body-duplicate', [event(1, 'r')]); // all duplicates: no rows
    expect(dup.ids).toEqual([]);
    await inbox.markProcessed(done.ids);

    expect(await inbox.purgeExpired(14, new Date(Date.now() + 13 * DAY))).toEqual({ events: 0, bodies: 0 });
    expect(await inbox.purgeExpired(14, new Date(Date.now() + 15 * DAY))).toEqual({ events: 2, bodies: 2 });
    const bodies = (await database.db.select().from(webhookBodies)).map((b) => b.body);
    expect(bodies).toEqual(['body-open']);
    expect(await inbox.get(open.ids[0] ?? -1)).toBeDefined();
    // A second pass finds nothing more; the unprocessed event stays however old.
    expect(await inbox.purgeExpired(14, new Date(Date.now() + 400 * DAY))).toEqual({ events: 0, bodies: 0 });
  });
});
