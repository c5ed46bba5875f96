import { accountSettings, webhookInbox } from '@erp-bridge/server/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadAddedHookBody } from '../support/seed-leads.js';
import { type Stack, startStack } from '../support/stack.js';
import { amoHookUrl } from '../support/stack-state.js';
import { until } from '../support/wait.js';

/**
 * A new installation (no settings saved) checks every new deal from the first webhook: tag, one
 * note, one task, no move. Stored settings win over that default. And one bad event in a batch
 * never holds the others back.
 */
const ACCOUNT = 31000001;
let stack: Stack;
let hookUrl: string;

beforeAll(async () => {
  stack = await startStack();
  hookUrl = await amoHookUrl(stack, ACCOUNT);
});
afterAll(() => stack?.close());

const addHook = (id: number) => {
  const lead = stack.emulator.state.leads.get(id);
  if (!lead) throw new Error(`no lead ${id}`);
  return fetch(hookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: leadAddedHookBody(lead, { id: ACCOUNT, subdomain: 'erpbridgedemo' }),
  });
};

describe('the guard of a new installation', () => {
  it('is on without any saved settings: a short new deal gets the tag, one note and one task, and stays put', async () => {
    const settings = await stack.server.services.accountSettings.get(ACCOUNT);
    expect(settings.guard).toMatchObject({ enabled: true, action: { type: 'flag_only' }, gatedStages: [] });
    const { state } = stack.emulator;
    const stage = state.leads.get(1002)?.statusId;
    expect((await addHook(1002)).status).toBe(204);
    const notes = () => [...state.notes.values()].filter((n) => n.entityId === 1002);
    const tasks = () => [...state.tasks.values()].filter((t) => t.entityId === 1002);
    await until(() => notes().length > 0 && tasks().length > 0, 'the note and the task');
    // Our own writes come back as hooks; give them time to (not) write again.
    await new Promise((r) => setTimeout(r, 2500));
    expect(notes()).toHaveLength(1);
    expect(tasks()).toHaveLength(1);
    const lead = state.leads.get(1002);
    expect(lead?.tags.map((t) => t.name)).toContain('Нет в наличии');
    expect(lead?.statusId).toBe(stage);
    // Each short SKU with requested vs free per warehouse.
    expect(notes()[0]?.params.text).toMatch(/GLV-NIT-L.*200.*100/s);
    expect(tasks()[0]?.responsibleUserId).toBe(lead?.responsibleUserId);
  });

  it('keeps what an installation saved: enabled false stays off, and a stored row without the key is not "new"', async () => {
    const store = stack.server.services.accountSettings;
    await store.update(90001, { guard: { enabled: false } });
    expect((await store.get(90001)).guard.enabled).toBe(false);
    // A row saved before the default changed, without the key: it had the guard off, and keeps it.
    const db = stack.server.services.database.db;
    await db
      .insert(accountSettings)
      .values({ accountId: 90002, json: JSON.stringify({ guard: { tag: 'X' } }) });
    expect((await store.get(90002)).guard).toMatchObject({
      enabled: false,
      tag: 'X',
      action: { type: 'move_back' },
    });
    // No row at all: the new-installation default.
    expect((await store.get(90003)).guard.enabled).toBe(true);
  });
});

describe('a bad event in a batch', () => {
  it('is dead-lettered and counted while the others are enforced, and the backlog drains to 0', async () => {
    const { inbox, database } = stack.server.services;
    // A row stored before ids were checked at parse (id 0): amoCRM answers 400 to any read naming it.
    const poison = await inbox.store(ACCOUNT, 'legacy body', [
      {
        entity: 'leads',
        action: 'update',
        record: { id: 0, last_modified: 1 },
        dedupeKey: `${ACCOUNT}:legacy:0`,
      },
    ]);
    const good = await inbox.store(ACCOUNT, 'legacy body 2', [
      {
        entity: 'leads',
        action: 'update',
        record: { id: 1004, status_id: 80013, pipeline_id: 8001, last_modified: 2 },
        dedupeKey: `${ACCOUNT}:legacy:1004`,
      },
    ]);
    // Both in one job batch: enqueued together.
    await stack.server.services.queue.sendMany(
      'amocrm.event',
      [...poison.ids, ...good.ids].map((id) => ({ data: { inboxId: id }, key: `poison-${id}` })),
    );
    // The backlog /readyz reports (its detail needs METRICS_TOKEN, so read the same count directly).
    await until(
      async () => (await stack.server.services.inbox.counts()).pending === 0,
      'the backlog to drain',
      30_000,
    );
    const history = await stack.server.services.guard.history(
      (await stack.server.services.installations.findActive(ACCOUNT)) as never,
      1004,
    );
    expect(history.latest).not.toBeNull();
    const rows = await database.db.select().from(webhookInbox);
    expect(rows.filter((r) => r.processedAt === null)).toEqual([]);
    const metrics = await (await fetch(`${stack.backend}/metrics`)).text();
    expect(metrics).toMatch(/erpb_webhooks_received_total\{result="dead_letter"\} 1/);
  });
});
