import { randomUUID } from 'node:crypto';
import { erpInvoiceStates } from '../../server/src/db/schema.js';
import { startMoySkladEmulator } from '../../tests/emulators/moysklad/src/index.js';
import { moscowTime } from '../../tests/emulators/moysklad/src/wire.js';
import { startStack } from '../../tests/support/stack.js';
import { type Bench, latencySummary, ms, percentile, sleep } from './lib/report.js';

const ACCOUNT = 31000001;
const PIPELINE = 8001;
const START = 80012;
const PAID = 142;
const TOKEN = 'bench-erp-loop-token';
const LATENCY_MS = 20;

/**
 * Issue 15: time from a payment in MoySklad to the deal's move in amoCRM, by the ERP's webhook
 * and by the poll alone, and what the loop spends: amoCRM and MoySklad requests per 1,000 invoices.
 * Backend, amoCRM emulator (7 rps) and MoySklad emulator run in this process.
 */
const bench: Bench = {
  name: 'erp-loop',
  title: `ERP loop: MoySklad payment → deal moved in amoCRM (webhook and poll paths), emulators at ${LATENCY_MS} ms latency, amoCRM at 7 rps`,
  async run(ctx, out) {
    const samples = ctx.quick ? 5 : 15;
    const bulk = ctx.quick ? 40 : 100;
    const erp = await startMoySkladEmulator({ token: TOKEN, latencyMs: LATENCY_MS });
    const stack = await startStack({
      emulator: { rateLimitPerSecond: 7, latencyMs: LATENCY_MS },
      env: { ERP_KIND: 'moysklad', MOYSKLAD_TOKEN: TOKEN, MOYSKLAD_API_BASE: erp.url },
    });
    try {
      const s = stack.server.services;
      await s.accountSettings.update(ACCOUNT, {
        loop: { paidStage: { pipelineId: PIPELINE, statusId: PAID } },
      });
      const inst = await s.installations.findActive(ACCOUNT);
      if (!inst) throw new Error('not installed');
      await s.erpLoop.subscribe(inst);

      // Managers create the deals in amoCRM's UI: through the API they would share the backend's own
      // token and per-integration limit (and did: a 429 right after seeding).
      const total = samples + 2 * bulk;
      const leads: number[] = [];
      for (let i = 0; i < total; i++) {
        const made = stack.emulator.state.uiCreateLead({
          name: `bench loop ${i}`,
          pipeline_id: PIPELINE,
          status_id: START,
        });
        if (!made.ok) throw new Error(`amoCRM refused the deal: ${made.reason}`);
        leads.push(made.leadId);
      }
      // Invoices erp-bridge created earlier: in MoySklad, and followed in our table.
      const agent = erp.state.counterparties[0]?.id ?? '';
      const invoiceOf = new Map<number, string>();
      for (const leadId of leads) {
        const id = randomUUID();
        const now = moscowTime(new Date());
        erp.state.documents.push({
          id,
          type: 'invoiceout',
          name: `B-${leadId}`,
          moment: now,
          created: now,
          updated: now,
          sum: 100_000,
          externalCode: `bench-${leadId}`,
          agentId: agent,
          organizationId: erp.state.organization.id,
          positions: [],
        });
        invoiceOf.set(leadId, id);
      }
      await s.database.db.insert(erpInvoiceStates).values(
        leads.map((leadId) => ({
          requestId: `bench-${leadId}`,
          accountId: ACCOUNT,
          leadId,
          erpInvoiceId: invoiceOf.get(leadId) as string,
          state: 'issued' as const,
          sum: 1000,
          checkedAt: new Date(0),
        })),
      );
      // Counted once the backend is done: jobs still queued when the last deal moved (the second
      // notification of a payment, the moves' own amoCRM hooks) belong to the path that caused them.
      const quiet = async () => {
        const end = Date.now() + 120_000;
        let seen = -1;
        while (Date.now() < end) {
          const now = erp.calls.length + stack.emulator.calls.length;
          if (now === seen) return;
          seen = now;
          await sleep(2000);
        }
      };
      const moved = (leadId: number) => stack.emulator.state.leads.get(leadId)?.statusId === PAID;
      const waitMoved = async (ids: number[], timeoutMs: number) => {
        const until = Date.now() + timeoutMs;
        while (!ids.every(moved)) {
          if (Date.now() > until) throw new Error(`${ids.filter((i) => !moved(i)).length} deals not moved`);
          await sleep(5);
        }
      };

      // 1. Webhook path, one payment at a time. (Seeding above shares the account's limit: not counted.)
      const measuredFrom = stack.emulator.calls.length;
      const webhookMs: number[] = [];
      for (const leadId of leads.slice(0, samples)) {
        const t0 = performance.now();
        erp.loop.pay(invoiceOf.get(leadId) as string, 1000);
        await waitMoved([leadId], 30_000);
        webhookMs.push(performance.now() - t0);
        await sleep(300);
      }
      ctx.log(`webhook path: ${latencySummary(webhookMs)}`);

      // 2. Webhook path in bulk: what it spends.
      const viaHooks = leads.slice(samples, samples + bulk);
      let erpFrom = erp.calls.length;
      let amoFrom = stack.emulator.calls.length;
      for (const leadId of viaHooks) erp.loop.pay(invoiceOf.get(leadId) as string, 1000);
      const tBulk = performance.now();
      await waitMoved(viaHooks, 600_000);
      const bulkHookMs = performance.now() - tBulk;
      await quiet();
      const hookErp = erp.calls.length - erpFrom;
      const hookAmo = stack.emulator.calls.length - amoFrom;

      // 3. Poll path: every webhook lost; one poll pass finds the payments.
      const viaPoll = leads.slice(samples + bulk);
      erp.hooks.dropNext(viaPoll.length * 2);
      for (const leadId of viaPoll) erp.loop.pay(invoiceOf.get(leadId) as string, 1000);
      await erp.hooks.settle();
      // Every invoice due for the poll (last read over a minute ago; only these are still open): a
      // payment webhook of step 2 whose links could not be read re-reads all open invoices, which
      // would make these not due for another minute.
      await s.database.db.update(erpInvoiceStates).set({ checkedAt: new Date(0) });
      erpFrom = erp.calls.length;
      amoFrom = stack.emulator.calls.length;
      const tPoll = performance.now();
      await s.erpLoop.poll();
      await waitMoved(viaPoll, 600_000);
      const pollPassMs = performance.now() - tPoll;
      await quiet();
      const pollErp = erp.calls.length - erpFrom;
      const pollAmo = stack.emulator.calls.length - amoFrom;
      const per1000 = (n: number, of: number) => String(Math.round((n / of) * 1000));

      out.rows.push(
        {
          metric: 'payment → deal moved, webhook path (p50 / p95)',
          value: `${ms(percentile(webhookMs, 50))} / ${ms(percentile(webhookMs, 95))}`,
        },
        {
          metric: `payment → deal moved, poll path: one poll pass for ${viaPoll.length} paid invoices`,
          value: ms(pollPassMs),
        },
        {
          metric: 'payment → deal moved, poll path, worst case',
          value: `poll interval (60 s) + ${ms(pollPassMs)}`,
        },
        { metric: `${bulk} payments at once by webhook: all deals moved in`, value: ms(bulkHookMs) },
        { metric: 'webhook path: MoySklad requests per 1,000 paid invoices', value: per1000(hookErp, bulk) },
        { metric: 'webhook path: amoCRM requests per 1,000 paid invoices', value: per1000(hookAmo, bulk) },
        {
          metric: 'poll path: MoySklad requests per 1,000 paid invoices',
          value: per1000(pollErp, viaPoll.length),
        },
        {
          metric: 'poll path: amoCRM requests per 1,000 paid invoices',
          value: per1000(pollAmo, viaPoll.length),
        },
        {
          metric: 'amoCRM 429s during the run',
          value: String(stack.emulator.calls.slice(measuredFrom).filter((c) => c.status === 429).length),
          budget: '0',
        },
      );
      out.notes.push(
        `Counts measured on ${bulk} invoices per path and scaled to 1,000, for the whole backend: besides the loop's own notes and moves (bulk requests), ` +
          'the move comes back as an amoCRM status hook and the stock guard re-reads the deal (amoCRM) and its stock (MoySklad). ' +
          'the ERP is read once per webhook notification (MoySklad sends two per payment: paymentin and invoiceout; a paymentin is read for the invoices its `operations` name, then those invoices) ' +
          'or once per 40 invoices by the poll; the notes and moves of the loop go to amoCRM in bulk (50 deals per request). The poll runs every minute and takes at most 100 open invoices per account per pass. ' +
          'Requests are counted until the backend has been quiet for 2 s.',
      );
    } finally {
      await stack.close();
      await erp.close();
    }
  },
};

export default bench;
