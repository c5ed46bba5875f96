import type { OperatorHealth } from '@erp-bridge/shared';
import { sql } from 'drizzle-orm';
import type { Installation } from '../amocrm/installations.js';
import type { Db } from '../db/open.js';
import { rowsOf } from '../db/rows-of.js';
import type { ErpRegistry } from '../erp/registry.js';
import type { ErpSettingsStore } from '../erp/settings.js';
import type { Signals } from './signals.js';
import type { AlertStore } from './store.js';

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

/** The settings page's health section for one account: everything an admin checks first. */
export function createOperatorHealth(deps: {
  db: Db;
  signals: Signals;
  alerts: AlertStore;
  erp: ErpRegistry;
  erpSettings: ErpSettingsStore;
  /** amoCRM's usual access-token lifetime, to tell a token's age from its expiry. */
  accessTokenLifetimeMs?: number;
}) {
  const lifetime = deps.accessTokenLifetimeMs ?? 86_400_000;
  return {
    async of(inst: Installation, now = new Date()): Promise<OperatorHealth> {
      const s = await deps.signals.of(inst, now);
      const [counts] = rowsOf<{ pending: number }>(
        await deps.db.execute(sql`select count(*)::int as pending from webhook_inbox
          where account_id = ${inst.accountId} and processed_at is null`),
      );
      const midnight = new Date(now);
      midnight.setUTCHours(0, 0, 0, 0);
      const [guard] = rowsOf<{ blocked: number; unblocked: number; warned: number }>(
        await deps.db.execute(sql`select
            (count(*) filter (where verdict = 'blocked'))::int as blocked,
            (count(*) filter (where actions like '%"note_unblocked"%'))::int as unblocked,
            (count(*) filter (where verdict in ('warn', 'not_gated')))::int as warned
          from guard_decisions where account_id = ${inst.accountId} and at >= ${midnight.toISOString()}::timestamptz`),
      );
      const erp = await deps.erp.forAccount(inst.accountId).catch(() => undefined);
      const stored = await deps.erpSettings.get(inst.accountId).catch(() => undefined);
      const lastSuccess = await deps.signals.erpLastSuccess(inst.accountId);
      const { open, recent } = await deps.alerts.list(inst.accountId, now);
      const blocked = inst.circuitOpenUntil && inst.circuitOpenUntil > now ? inst.circuitOpenUntil : null;
      return {
        amocrm: {
          connected: inst.status === 'active' && !inst.authError && !blocked,
          blockedUntil: blocked?.toISOString() ?? null,
          tokenAgeSeconds: inst.tokenExpiresAt
            ? seconds(now.getTime() - (inst.tokenExpiresAt.getTime() - lifetime))
            : null,
        },
        erp: {
          kind: stored?.connection.kind ?? erp?.kind ?? 'unknown',
          circuit: erp?.circuitState() ?? 'unknown',
          lastSuccessAt: lastSuccess?.toISOString() ?? null,
        },
        webhooks: {
          lastReceivedAt: s.lastHookAt?.toISOString() ?? null,
          lagSeconds: s.lastHookAt ? seconds(now.getTime() - s.lastHookAt.getTime()) : null,
          backlog: Number(counts?.pending ?? 0),
          oldestPendingSeconds: s.oldestPendingAt
            ? seconds(now.getTime() - s.oldestPendingAt.getTime())
            : null,
        },
        guardToday: {
          blocked: Number(guard?.blocked ?? 0),
          unblocked: Number(guard?.unblocked ?? 0),
          warned: Number(guard?.warned ?? 0),
        },
        alerts: [...open, ...recent].slice(0, 10),
      };
    },
  };
}

export type OperatorHealthService = ReturnType<typeof createOperatorHealth>;
