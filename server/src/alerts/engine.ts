import { AlertRule } from '@erp-bridge/shared';
import { eq } from 'drizzle-orm';
import type { AmoClient } from '../amocrm/client.js';
import type { Installation } from '../amocrm/installations.js';
import type { Db } from '../db/open.js';
import { invoiceRequests } from '../db/schema.js';
import type { Logger } from '../log.js';
import { sendTask, sendWebhook } from './channels.js';
import { activeConditions, RESOLUTIONS } from './rules.js';
import type { Signals } from './signals.js';
import type { AlertEvent, AlertStore } from './store.js';
import { createTokenVerdicts, REJECTED_AFTER_REFRESH } from './token-verdicts.js';

export const ALERT_JOBS = {
  evaluate: 'alerts.evaluate',
  task: 'alerts.task',
  webhook: 'alerts.webhook',
} as const;

const CONDITION_RULES = new Set<AlertRule>([
  'erp_circuit_open',
  'amocrm_blocked',
  'amocrm_tokens_revoked',
  'webhooks_silent',
  'backlog_stale',
]);

export interface AlertEngineDeps {
  db: Db;
  store: AlertStore;
  signals: Signals;
  log: Logger;
  listActive(): Promise<Installation[]>;
  findActive(accountId: number): Promise<Installation | undefined>;
  clientFor(inst: Installation): AmoClient;
  send(queue: string, data: object, opts: { key: string }): Promise<unknown>;
  fetch?: typeof fetch;
  onEvent?(e: AlertEvent): void;
  /** Open incidents by rule after each pass (the erpb_alerts_open gauge). */
  onOpenCounts?(counts: Map<AlertRule, number>): void;
}

/**
 * Turns conditions and job outcomes into incidents and incidents into notices. Every notice goes
 * through the durable queue, one job per channel, so a failing webhook retries without repeating
 * the amoCRM task.
 */
export function createAlertEngine(deps: AlertEngineDeps) {
  const doFetch = deps.fetch ?? fetch;
  /** account:queue of job incidents known open here, so a job's success costs no query otherwise. */
  const openJobIncidents = new Set<string>();

  async function notify(e: AlertEvent | undefined) {
    if (!e) return;
    deps.onEvent?.(e);
    const key = `${e.alertId}-${e.sequence}`;
    await deps.send(ALERT_JOBS.task, { event: e }, { key });
    await deps.send(ALERT_JOBS.webhook, { event: e }, { key });
  }

  async function accountOfJob(queue: string, data: object): Promise<number | undefined> {
    const d = data as { accountId?: unknown; requestId?: unknown };
    if (typeof d.accountId === 'number') return d.accountId;
    if (queue === 'invoice.create' && typeof d.requestId === 'string') {
      const [row] = await deps.db
        .select({ accountId: invoiceRequests.accountId })
        .from(invoiceRequests)
        .where(eq(invoiceRequests.id, d.requestId));
      return row?.accountId;
    }
    return undefined;
  }

  const tokenVerdicts = createTokenVerdicts({ store: deps.store, notify });
  /** Incidents a pass must not resolve for want of their condition: events open and close them. */
  const isEventIncident = (rule: AlertRule, key: string) =>
    !CONDITION_RULES.has(rule) || (rule === 'amocrm_tokens_revoked' && key === REJECTED_AFTER_REFRESH);

  return {
    /** One pass over every active account (the `alerts.evaluate` job, each minute). */
    async evaluate(now = new Date()) {
      const counts = new Map<AlertRule, number>(AlertRule.options.map((r) => [r, 0]));
      for (const inst of await deps.listActive()) {
        const conditions = activeConditions(await deps.signals.of(inst, now), now);
        for (const c of conditions)
          await notify(await deps.store.raise(inst.accountId, c.rule, c.key, c.message, now));
        const holding = new Set(conditions.map((c) => `${c.rule}:${c.key}`));
        for (const open of await deps.store.open(inst.accountId)) {
          const rule = open.rule as AlertRule;
          if (rule === 'job_failed') openJobIncidents.add(`${inst.accountId}:${open.incidentKey}`);
          if (open.incidentKey === REJECTED_AFTER_REFRESH) tokenVerdicts.known(inst.accountId);
          if (isEventIncident(rule, open.incidentKey) || holding.has(`${rule}:${open.incidentKey}`)) {
            counts.set(rule, (counts.get(rule) ?? 0) + 1);
            continue;
          }
          await notify(
            await deps.store.resolve(inst.accountId, rule, open.incidentKey, RESOLUTIONS[rule], now),
          );
        }
      }
      deps.onOpenCounts?.(counts);
    },

    /** Every job's outcome (queue.ts onOutcome): a last failed attempt opens, a success closes. */
    async onJobOutcome(o: { queue: string; data: object; ok: boolean; final: boolean }, now = new Date()) {
      if (o.queue.startsWith('alerts.')) return; // a failing alert channel must not alert about itself
      if (o.ok && openJobIncidents.size === 0) return;
      if (!o.ok && !o.final) return;
      const accountId = await accountOfJob(o.queue, o.data);
      if (accountId === undefined) return;
      const incident = `${accountId}:${o.queue}`;
      if (o.final) {
        openJobIncidents.add(incident);
        const message = `Задание «${o.queue}» не выполнено после всех попыток. / Job "${o.queue}" failed after its last retry.`;
        await notify(await deps.store.raise(accountId, 'job_failed', o.queue, message, now));
      } else if (openJobIncidents.delete(incident)) {
        await notify(await deps.store.resolve(accountId, 'job_failed', o.queue, RESOLUTIONS.job_failed, now));
      }
    },

    /** Every amoCRM call's token verdict (amocrm/request.ts): a 401 after a refresh opens, a 2xx closes. */
    onTokenVerdict: tokenVerdicts.onVerdict,

    /** Channel job: the task for the account's chosen admin (skipped when none is chosen). */
    async deliverTask(e: AlertEvent) {
      const dest = await deps.store.destination(e.accountId);
      if (!dest.adminUserId) return;
      const inst = await deps.findActive(e.accountId);
      if (!inst) return;
      await sendTask(deps.clientFor(inst), dest.adminUserId, e, new Date());
    },

    /** Channel job: the signed outgoing webhook (skipped when no URL is saved). */
    async deliverWebhook(e: AlertEvent) {
      const dest = await deps.store.destination(e.accountId);
      if (!dest.webhookUrl) return;
      await sendWebhook(doFetch, dest.webhookUrl, dest.webhookSecret, e, new Date());
    },
  };
}

export type AlertEngine = ReturnType<typeof createAlertEngine>;
