import type { GuardHistory, GuardRecord, Stage } from '@erp-bridge/shared';
import type { AmoAccess } from '../amocrm/access.js';
import type { Installation } from '../amocrm/installations.js';
import type { LeadReader } from '../amocrm/lead-products.js';
import type { WebhookEvent } from '../amocrm/webhooks/parse.js';
import type { ErpRegistry } from '../erp/registry.js';
import type { JobQueue } from '../jobs/queue.js';
import { BoundedCache } from '../lib/bounded-cache.js';
import type { Logger } from '../log.js';
import type { AccountSettingsStore } from '../settings/account-settings.js';
import { type EnforceItem, enforceGuard } from './enforcer.js';
import { ownUserIdOf } from './own-user.js';
import type { GuardStore } from './store.js';

/** Lead events that can change what a deal holds or where it stands. */
const LEAD_ACTIONS = new Set(['add', 'update', 'status', 'dp']);

export const GUARD_JOB = 'guard.enforce';

/** amoCRM reads up to 250 leads per request: the guard works in batches of that size. */
export const GUARD_BATCH = 250;

export interface GuardServiceDeps {
  access: Pick<AmoAccess, 'clientFor'>;
  leadReaderFor(inst: Installation): LeadReader;
  erp: Pick<ErpRegistry, 'forAccount'>;
  settings: AccountSettingsStore;
  store: GuardStore;
  queue: Pick<JobQueue, 'send'>;
  log: Logger;
  /** What each deal's own customer order reserved (erp-loop/orders-store.ts): the deal's own stock. */
  ownReserves?: (
    accountId: number,
    leadIds: readonly number[],
  ) => Promise<Map<number, Record<string, number>>>;
}

export function createGuardService(deps: GuardServiceDeps) {
  /** The user each installation's token acts as; null while amoCRM cannot say (no echo skipping). */
  const ownUsers = new BoundedCache<{ id: number | null }>({ max: 10_000, ttlMs: 3_600_000 });
  const stats = { echoesSkipped: 0, recovered: 0 };
  const ownUserOf = (inst: Installation) =>
    ownUsers
      .getOrLoad(
        String(inst.id),
        async () => ({ id: await ownUserIdOf(deps.access.clientFor(inst)) }),
        (v) => (v.id === null ? 60_000 : undefined),
      )
      .then((v) => v.id);
  const stageNames = new BoundedCache<Map<string, string>>({ max: 1000, ttlMs: 600_000 });

  /** Stage names of an account's pipelines, read at most every 10 minutes. */
  async function stageNamesOf(inst: Installation): Promise<Map<string, string>> {
    return stageNames.getOrLoad(String(inst.accountId), async () => {
      const names = new Map<string, string>();
      const pipelines = await deps.access
        .clientFor(inst)
        .listPipelines()
        .catch(() => []);
      for (const p of pipelines)
        for (const st of p._embedded.statuses) names.set(`${p.id}/${st.id}`, st.name);
      return names;
    });
  }

  async function enforce(inst: Installation, items: EnforceItem[]) {
    const { guard: rules } = await deps.settings.get(inst.accountId);
    if (!rules.enabled || items.length === 0)
      return { records: new Map<number, GuardRecord>(), busy: [] as number[] };
    const names = rules.action.type === 'flag_only' ? new Map<string, string>() : await stageNamesOf(inst);
    const outcome = await enforceGuard(
      {
        accountId: inst.accountId,
        amo: deps.access.clientFor(inst),
        leads: deps.leadReaderFor(inst),
        erp: await deps.erp.forAccount(inst.accountId),
        rules,
        store: deps.store,
        log: deps.log,
        language: inst.domain === 'amocrm.ru' ? 'ru' : 'en',
        ownUserId: await ownUserOf(inst),
        stageName: (stage) => names.get(`${stage.pipelineId}/${stage.statusId}`) ?? null,
        ownReserves: (ids) => deps.ownReserves?.(inst.accountId, ids) ?? Promise.resolve(new Map()),
      },
      items,
    );
    stats.echoesSkipped += outcome.echoes.length;
    stats.recovered += outcome.recovered;
    return outcome;
  }

  /**
   * Deals another worker held at the moment are tried again shortly, with everything their events
   * said (the stage a deal came from is what "move back" needs).
   */
  async function retryBusy(inst: Installation, items: readonly EnforceItem[], busy: readonly number[]) {
    if (busy.length === 0) return;
    const again = items.filter((i) => busy.includes(i.leadId));
    await deps.queue.send(GUARD_JOB, { accountId: inst.accountId, items: again }, { startAfterSeconds: 1 });
  }

  return {
    /** Webhook / Digital Pipeline events of one account, in bulk. */
    async handleEvents(inst: Installation, events: readonly WebhookEvent[]) {
      const items: EnforceItem[] = events
        .filter((e) => e.entity === 'leads' && LEAD_ACTIONS.has(e.action))
        .map((e) => ({
          leadId: e.record.id,
          cause: e.action === 'dp' ? 'digital_pipeline' : e.source === 'reconcile' ? 'reconcile' : 'webhook',
          causeEvent: e.dedupeKey,
          previousStage: previousStage(e),
          change: {
            userId: e.record.modified_user_id ?? null,
            version: e.record.last_modified ?? e.record.updated_at ?? null,
          },
        }));
      const { busy } = await enforce(inst, items);
      await retryBusy(inst, items, busy);
    },

    /** Items handed back by retryBusy. */
    async enforceItems(inst: Installation, items: EnforceItem[]) {
      const { busy } = await enforce(inst, items);
      await retryBusy(inst, items, busy);
    },

    /** Re-check deals by id (busy retries, periodic re-check of short deals after a restock). */
    async enforceLeads(inst: Installation, leadIds: readonly number[], cause: GuardRecord['cause']) {
      const items = leadIds.map((leadId) => ({ leadId, cause, causeEvent: null, previousStage: null }));
      const { busy } = await enforce(inst, items);
      await retryBusy(inst, items, busy);
    },

    /** "Check again" from the card: enforce now and answer with the decision. */
    async checkNow(inst: Installation, leadId: number): Promise<GuardRecord | null> {
      for (let attempt = 0; attempt < 20; attempt++) {
        const { records, busy } = await enforce(inst, [
          { leadId, cause: 'check_again', causeEvent: null, previousStage: null },
        ]);
        const record = records.get(leadId);
        if (record) return record;
        if (busy.length === 0) return null; // guard disabled or deal gone
        await new Promise((r) => setTimeout(r, 150));
      }
      return null;
    },

    async history(inst: Installation, leadId: number): Promise<GuardHistory> {
      const [{ guard }, history] = await Promise.all([
        deps.settings.get(inst.accountId),
        deps.store.history(inst.accountId, leadId),
      ]);
      return { leadId, enabled: guard.enabled, latest: history[0] ?? null, history };
    },

    async recheckShort(inst: Installation) {
      const ids = await deps.store.shortLeads(inst.accountId);
      for (let i = 0; i < ids.length; i += GUARD_BATCH)
        await this.enforceLeads(inst, ids.slice(i, i + GUARD_BATCH), 'reconcile');
    },

    /**
     * Deals whose decision a crash interrupted and no worker holds any more: leasing them finishes
     * the decision (missing notes and tasks only), then decides afresh.
     */
    async recoverInterrupted(inst: Installation) {
      const ids = await deps.store.interrupted(inst.accountId, GUARD_BATCH);
      if (ids.length) await this.enforceLeads(inst, ids, 'reconcile');
      return ids.length;
    },

    /** Counters for the benchmark and /metrics: own echoes decided without a read, decisions finished. */
    stats: () => ({ ...stats }),
  };
}

export type GuardService = ReturnType<typeof createGuardService>;

function previousStage(e: WebhookEvent): Stage | null {
  const r = e.record;
  if (!r.old_status_id) return null;
  return { pipelineId: r.old_pipeline_id ?? r.pipeline_id ?? 0, statusId: r.old_status_id };
}
