import type { AlertRule, AlertSettingsInput, AlertSettingsView, AlertView } from '@erp-bridge/shared';
import { and, desc, eq, gte, isNull, lt, or, sql } from 'drizzle-orm';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Db } from '../db/open.js';
import { alertSettings, operatorAlerts } from './table.js';

/** An incident ready to be told: which notification it is and what it says. */
export interface AlertEvent {
  kind: 'raised' | 'repeated' | 'resolved';
  alertId: number;
  accountId: number;
  rule: AlertRule;
  message: string;
  /** Distinguishes the n-th repetition (idempotency of deliveries). */
  sequence: number;
}

const REPEAT_MS = 3_600_000;

/** The one unresolved incident of a rule and key in an account. */
const openIncident = (accountId: number, rule: AlertRule, key: string) =>
  and(
    eq(operatorAlerts.accountId, accountId),
    eq(operatorAlerts.rule, rule),
    eq(operatorAlerts.incidentKey, key),
    isNull(operatorAlerts.resolvedAt),
  );

const toView = (r: typeof operatorAlerts.$inferSelect): AlertView => ({
  id: r.id,
  rule: r.rule as AlertRule,
  message: r.message,
  openedAt: r.openedAt.toISOString(),
  resolvedAt: r.resolvedAt?.toISOString() ?? null,
  resolution: r.resolution,
});

export interface AlertDestination {
  adminUserId: number | null;
  webhookUrl: string | null;
  webhookSecret: string | null;
}

/** Incidents (raised once, repeated at most hourly, resolved once) and where they go. */
export function createAlertStore(db: Db, box: SecretBox) {
  return {
    /**
     * Opens the incident, or repeats it when the last notice is an hour old; otherwise nothing.
     * The partial unique index makes "once" hold across instances racing on the same incident.
     */
    async raise(
      accountId: number,
      rule: AlertRule,
      key: string,
      message: string,
      now: Date,
    ): Promise<AlertEvent | undefined> {
      const inserted = await db
        .insert(operatorAlerts)
        .values({ accountId, rule, incidentKey: key, message, openedAt: now, lastNotifiedAt: now })
        .onConflictDoNothing({
          target: [operatorAlerts.accountId, operatorAlerts.rule, operatorAlerts.incidentKey],
          where: isNull(operatorAlerts.resolvedAt),
        })
        .returning();
      const row = inserted[0];
      if (row) return { kind: 'raised', alertId: row.id, accountId, rule, message, sequence: 1 };
      const repeated = await db
        .update(operatorAlerts)
        .set({ lastNotifiedAt: now, notifications: sql`${operatorAlerts.notifications} + 1` })
        .where(
          and(
            openIncident(accountId, rule, key),
            lt(operatorAlerts.lastNotifiedAt, new Date(now.getTime() - REPEAT_MS)),
          ),
        )
        .returning();
      const r = repeated[0];
      return r
        ? { kind: 'repeated', alertId: r.id, accountId, rule, message: r.message, sequence: r.notifications }
        : undefined;
    },

    async resolve(
      accountId: number,
      rule: AlertRule,
      key: string,
      resolution: string,
      now: Date,
    ): Promise<AlertEvent | undefined> {
      const [r] = await db
        .update(operatorAlerts)
        .set({ resolvedAt: now, resolution })
        .where(openIncident(accountId, rule, key))
        .returning();
      return r
        ? {
            kind: 'resolved',
            alertId: r.id,
            accountId,
            rule,
            message: resolution,
            sequence: r.notifications + 1,
          }
        : undefined;
    },

    async open(accountId: number) {
      return db
        .select()
        .from(operatorAlerts)
        .where(and(eq(operatorAlerts.accountId, accountId), isNull(operatorAlerts.resolvedAt)));
    },

    async get(alertId: number) {
      const [r] = await db.select().from(operatorAlerts).where(eq(operatorAlerts.id, alertId));
      return r;
    },

    /** Open incidents and those resolved in the last `hours`, newest first. */
    async list(
      accountId: number,
      now: Date,
      hours = 24,
    ): Promise<{ open: AlertView[]; recent: AlertView[] }> {
      const since = new Date(now.getTime() - hours * 3_600_000);
      const rows = await db
        .select()
        .from(operatorAlerts)
        .where(
          and(
            eq(operatorAlerts.accountId, accountId),
            or(isNull(operatorAlerts.resolvedAt), gte(operatorAlerts.resolvedAt, since)),
          ),
        )
        .orderBy(desc(operatorAlerts.id))
        .limit(50);
      return {
        open: rows.filter((r) => !r.resolvedAt).map(toView),
        recent: rows.filter((r) => r.resolvedAt).map(toView),
      };
    },

    async destination(accountId: number): Promise<AlertDestination> {
      const [r] = await db.select().from(alertSettings).where(eq(alertSettings.accountId, accountId));
      return {
        adminUserId: r?.adminUserId ?? null,
        webhookUrl: r?.webhookUrl ?? null,
        webhookSecret: r?.webhookSecretEnc ? box.open(r.webhookSecretEnc) : null,
      };
    },

    async settingsView(accountId: number): Promise<AlertSettingsView> {
      const [r] = await db.select().from(alertSettings).where(eq(alertSettings.accountId, accountId));
      return {
        adminUserId: r?.adminUserId ?? null,
        webhookUrl: r?.webhookUrl ?? null,
        webhookSecret: r?.webhookSecretEnc ? 'set' : 'not set',
      };
    },

    /**
     * Changes exactly the fields named. The secret is bound to its URL: a new URL without a new
     * secret drops the old one, so a secret is never sent to a host it was not saved for.
     */
    async updateSettings(accountId: number, input: AlertSettingsInput): Promise<AlertSettingsView> {
      const [r] = await db.select().from(alertSettings).where(eq(alertSettings.accountId, accountId));
      let secretEnc = r?.webhookSecretEnc ?? null;
      const url = input.webhookUrl === undefined ? (r?.webhookUrl ?? null) : input.webhookUrl;
      if (input.webhookUrl !== undefined && input.webhookUrl !== (r?.webhookUrl ?? null)) secretEnc = null;
      if (input.webhookSecret !== undefined)
        secretEnc = input.webhookSecret === null ? null : box.seal(input.webhookSecret);
      const values = {
        accountId,
        adminUserId: input.adminUserId === undefined ? (r?.adminUserId ?? null) : input.adminUserId,
        webhookUrl: url,
        webhookSecretEnc: url ? secretEnc : null,
        updatedAt: new Date(),
      };
      await db
        .insert(alertSettings)
        .values(values)
        .onConflictDoUpdate({ target: alertSettings.accountId, set: values });
      return this.settingsView(accountId);
    },
  };
}

export type AlertStore = ReturnType<typeof createAlertStore>;
