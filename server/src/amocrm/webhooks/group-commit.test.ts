import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/open.js';
import { webhookBodies, webhookInbox } from '../../db/schema.js';
import { testBackends } from '../../db/test-databases.js';
import { createWebhookInbox } from './inbox.js';

const event = (id: number, tag: string) => ({
  entity: 'leads',
  action: 'update',
  record: { id, last_modified: 1 },
  dedupeKey: `7:${tag}:${id}`,
});

describe.each(testBackends)('webhook group commit on $name', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(() => database.close());

  it('stores hooks that arrive together in shared statements, each answered with its own rows', async () => {
    let statements = 0;
    const counted = new Proxy(database.db, {
      get(target, prop, receiver) {
        if (prop === 'execute') statements++;
        return Reflect.get(target, prop, receiver);
      },
    });
    const inbox = createWebhookInbox(counted);
    const hooks = Array.from({ length: 40 }, (_, i) => ({
      body: `body-${i}`,
      events: [event(1000 + 2 * i, 'gc'), event(1001 + 2 * i, 'gc')],
    }));
    const answers = await Promise.all(hooks.map((h) => inbox.store(7, h.body, h.events)));
    expect(statements).toBeLessThan(hooks.length / 4);
    for (const [i, answer] of answers.entries()) {
      expect(answer.duplicates).toBe(0);
      expect(answer.ids).toHaveLength(2);
      // Every id names this hook's events, pointing at this hook's body.
      for (const id of answer.ids) {
        const row = await inbox.get(id);
        expect(hooks[i]?.events.map((e) => e.dedupeKey)).toContain(row?.dedupeKey);
        const [body] = await database.db
          .select()
          .from(webhookBodies)
          .where(eq(webhookBodies.id, row?.rawBodyId ?? -1));
        expect(body?.body).toBe(hooks[i]?.body);
      }
    }
  });

  it('drops a duplicate event whether it repeats an earlier batch or a neighbour in the same batch', async () => {
    const inbox = createWebhookInbox(database.db);
    await inbox.store(7, 'first', [event(5000, 'dup')]);
    const [again, a, b] = await Promise.all([
      inbox.store(7, 'again', [event(5000, 'dup')]),
      inbox.store(7, 'a', [event(5001, 'dup'), event(5002, 'dup')]),
      inbox.store(7, 'b', [event(5001, 'dup')]),
    ]);
    expect(again).toEqual({ ids: [], duplicates: 1 });
    // 5001 is stored once, by whichever of the two the database took first.
    expect((a?.ids.length ?? 0) + (b?.ids.length ?? 0)).toBe(2);
    expect((a?.duplicates ?? 0) + (b?.duplicates ?? 0)).toBe(1);
    const rows = await database.db
      .select()
      .from(webhookInbox)
      .where(eq(webhookInbox.dedupeKey, '7:dup:5001'));
    expect(rows).toHaveLength(1);
  });

  it('answers each hook of a failed batch on its own: the good ones stored, the bad one refused', async () => {
    const inbox = createWebhookInbox(database.db);
    // A body with a NUL byte is refused by PostgreSQL's text type; its neighbours must not be.
    const results = await Promise.allSettled([
      inbox.store(7, 'good-1', [event(6001, 'fail')]),
      inbox.store(7, 'bad\u0000body', [event(6002, 'fail')]),
      inbox.store(7, 'good-2', [event(6003, 'fail')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    for (const key of ['7:fail:6001', '7:fail:6003'])
      expect(
        await database.db.select().from(webhookInbox).where(eq(webhookInbox.dedupeKey, key)),
      ).toHaveLength(1);
  });
});
