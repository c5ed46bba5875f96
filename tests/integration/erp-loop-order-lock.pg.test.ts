import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, postgresForTests } from '../../server/src/db/test-databases.js';
import { OrderBusy } from '../../server/src/erp-loop/order-job.js';
import { type MoySkladStack, startMoySkladStack } from '../support/moysklad-stack.js';
import { webhookSubscribed } from '../support/stack-state.js';
import { ACCOUNT, dealWithDrills } from './erp-loop-support.js';

/**
 * Two runs of one deal's order job at once, as when a worker starting re-sends the jobs it finds
 * taken while a live worker still runs one: MoySklad answers slowly, so both would pass the lookup
 * by externalCode before either created the order. On PostgreSQL (what several instances share);
 * skipped only without TEST_DATABASE_URL outside CI.
 */
const adminUrl = postgresForTests();

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe.runIf(adminUrl)('one deal, one order run at a time (PostgreSQL)', () => {
  let stack: MoySkladStack;

  it('creates one order when two runs of the job overlap; the busy one is left to the retry', async () => {
    const databaseUrl = await freshDatabase();
    stack = await startMoySkladStack('order-lock-moysklad-token', { env: { DATABASE_URL: databaseUrl } });
    cleanups.push(() => stack.close());
    await webhookSubscribed(stack);
    const leadId = await dealWithDrills(stack, 2);
    stack.moysklad.faults.latencyMs = 400;
    const run = () =>
      stack.server.services.erpLoop.runOrder({ accountId: ACCOUNT, leadId, action: 'reserve' });
    const outcomes = await Promise.allSettled([run(), run()]);
    const orders = stack.moysklad.state.documents.filter(
      (d) => d.type === 'customerorder' && d.description === `amoCRM #${leadId}`,
    );
    expect(orders).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected');
    expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(OrderBusy);
    // The queue's retry of the busy run finds the order done and creates nothing.
    await run();
    expect(
      stack.moysklad.state.documents.filter(
        (d) => d.type === 'customerorder' && d.description === `amoCRM #${leadId}`,
      ),
    ).toHaveLength(1);
  }, 60_000);
});
