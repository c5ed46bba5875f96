import { ErpLoopSettings } from '@erp-bridge/shared';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Database, openDatabase } from '../db/open.js';
import { erpInvoiceStates, erpLoopOutbox } from '../db/schema.js';
import type { InvoiceStatus } from '../erp/connector.js';
import { applyStatus } from './invoice-states.js';
import { noteMarker } from './messages.js';
import { flushOutbox, recordWrites } from './outbox.js';

let database: Database;
beforeAll(async () => {
  database = await openDatabase({ dataDir: 'memory://' });
});
afterAll(() => database?.close());

const fakeAmo = (existing: string[] = []) => ({
  addLeadNotes: vi.fn(async () => []),
  listLeadNotes: vi.fn(async () =>
    existing.map((text, i) => ({ id: i + 1, entity_id: 1, params: { text } })),
  ),
  patchLeads: vi.fn(async () => []),
});

describe('ERP loop outbox: one note per change, also across a crash', () => {
  it('records a change once per dedupe key', async () => {
    const row = { accountId: 1, leadId: 10, dedupeKey: 'k-once', writes: { note: 'n' } };
    expect(await recordWrites(database.db, row)).toBe(true);
    expect(await recordWrites(database.db, row)).toBe(false);
    const amo = fakeAmo();
    await flushOutbox(database.db, amo, 1);
    await flushOutbox(database.db, amo, 1);
    expect(amo.addLeadNotes).toHaveBeenCalledTimes(1);
  });

  it('a send a crash interrupted after amoCRM took the note is finished without a second note', async () => {
    const key = 'k-crash';
    await recordWrites(database.db, {
      accountId: 2,
      leadId: 20,
      dedupeKey: key,
      writes: { note: `paid ${noteMarker(key)}`, move: { pipelineId: 1, statusId: 142 } },
    });
    // The crash: attempted (the note went out), never marked done.
    await database.db
      .update(erpLoopOutbox)
      .set({ attemptedAt: new Date() })
      .where(eq(erpLoopOutbox.dedupeKey, key));
    const amo = fakeAmo([`paid ${noteMarker(key)}`]);
    await flushOutbox(database.db, amo, 2);
    expect(amo.addLeadNotes).not.toHaveBeenCalled();
    expect(amo.patchLeads).toHaveBeenCalledWith([{ id: 20, pipeline_id: 1, status_id: 142 }]);
  });

  it('an interrupted send whose note amoCRM never got is written then', async () => {
    const key = 'k-lost';
    await recordWrites(database.db, {
      accountId: 3,
      leadId: 30,
      dedupeKey: key,
      writes: { note: noteMarker(key) },
    });
    await database.db
      .update(erpLoopOutbox)
      .set({ attemptedAt: new Date() })
      .where(eq(erpLoopOutbox.dedupeKey, key));
    const amo = fakeAmo([]);
    await flushOutbox(database.db, amo, 3);
    expect(amo.addLeadNotes).toHaveBeenCalledTimes(1);
  });
});

describe('ERP loop outbox: in bulk', () => {
  it('sends many changes as one notes request and one PATCH (one entry per deal)', async () => {
    for (let i = 0; i < 30; i++)
      await recordWrites(database.db, {
        accountId: 4,
        leadId: 400 + (i % 20),
        dedupeKey: `k-bulk-${i}`,
        writes: {
          note: noteMarker(`k-bulk-${i}`),
          ...(i < 20 ? { move: { pipelineId: 1, statusId: 142 } } : { tag: `t${i}` }),
        },
      });
    const amo = fakeAmo();
    expect(await flushOutbox(database.db, amo, 4)).toBe(30);
    expect(amo.addLeadNotes).toHaveBeenCalledTimes(1);
    expect((amo.addLeadNotes.mock.calls[0] as unknown as [unknown[]])[0]).toHaveLength(30);
    expect(amo.patchLeads).toHaveBeenCalledTimes(1);
    const patches = (
      amo.patchLeads.mock.calls[0] as unknown as [{ id: number; tags_to_add?: unknown[] }[]]
    )[0];
    expect(patches).toHaveLength(20);
    expect(patches.find((p) => p.id === 400)).toEqual({
      id: 400,
      pipeline_id: 1,
      status_id: 142,
      tags_to_add: [{ name: 't20' }],
    });
    expect(await flushOutbox(database.db, amo, 4)).toBe(0);
  });
});

describe('applyStatus: out-of-order reads', () => {
  const status = (state: InvoiceStatus['state'], paid: number, version: string): InvoiceStatus => ({
    id: 'erp-1',
    state,
    sum: { amount: 100, currency: 'RUB' },
    paidSum: { amount: paid, currency: 'RUB' },
    version,
    link: null,
  });
  const ctx = { settings: ErpLoopSettings.parse({}), language: 'ru' as const, number: 'N1' };

  it('ignores a read older than the stored one and never turns paid back to issued', async () => {
    await database.db.insert(erpInvoiceStates).values({
      requestId: 'r1',
      accountId: 4,
      leadId: 40,
      erpInvoiceId: 'erp-1',
      state: 'issued',
      sum: 100,
    });
    const row = { requestId: 'r1' } as Parameters<typeof applyStatus>[1];
    expect(await applyStatus(database.db, row, status('paid', 100, '2026-01-01 10:00:02.000'), ctx)).toBe(
      'changed',
    );
    expect(
      await applyStatus(database.db, row, status('partially_paid', 40, '2026-01-01 10:00:01.000'), ctx),
    ).toBe('stale');
    expect(await applyStatus(database.db, row, status('paid', 100, '2026-01-01 10:00:02.000'), ctx)).toBe(
      'stale',
    );
    // A newer version saying "issued" (a payment unlinked) does not regress a paid invoice.
    expect(await applyStatus(database.db, row, status('issued', 0, '2026-01-01 10:00:03.000'), ctx)).toBe(
      'same',
    );
    const [stored] = await database.db
      .select()
      .from(erpInvoiceStates)
      .where(eq(erpInvoiceStates.requestId, 'r1'));
    expect(stored?.state).toBe('paid');
    const notes = await database.db.select().from(erpLoopOutbox).where(eq(erpLoopOutbox.leadId, 40));
    expect(notes).toHaveLength(1);
  });
});
