import type {
  ConnectionTestResult,
  ErpConnectionInput,
  SettingsUpdate,
  SettingsView,
} from '@erp-bridge/shared';
import { desc, eq, sql } from 'drizzle-orm';
import type { AmoAccess } from '../amocrm/access.js';
import { webhookDestination } from '../amocrm/install.js';
import type { Installation } from '../amocrm/installations.js';
import type { Db } from '../db/open.js';
import { webhookInbox } from '../db/schema.js';
import { buildConnector, type ErpRegistry } from '../erp/registry.js';
import { type ErpSettingsStore, publicView } from '../erp/settings.js';
import { setupNativeGate } from '../guard/native-gate.js';
import { HttpProblem } from '../http/problem.js';
import type { AccountSettingsStore } from './account-settings.js';

export interface SettingsServiceDeps {
  db: Db;
  account: AccountSettingsStore;
  erpSettings: ErpSettingsStore;
  erp: Pick<ErpRegistry, 'forAccount' | 'invalidate'>;
  access: Pick<AmoAccess, 'clientFor' | 'circuit'>;
  fetch?: typeof fetch;
  publicUrl: URL;
}

/** The advanced settings page: one view of everything an admin configures, and its health. */
export function createSettingsService(deps: SettingsServiceDeps) {
  async function view(inst: Installation): Promise<SettingsView> {
    const [settings, erp, erpConn] = await Promise.all([
      deps.account.get(inst.accountId),
      deps.erp.forAccount(inst.accountId),
      deps.erpSettings.get(inst.accountId),
    ]);
    const [counts] = await deps.db
      .select({
        received: sql<number>`count(*)::int`,
        pending: sql<number>`count(*) filter (where ${webhookInbox.processedAt} is null)::int`,
      })
      .from(webhookInbox)
      .where(eq(webhookInbox.accountId, inst.accountId));
    const [last] = await deps.db
      .select({ at: webhookInbox.receivedAt })
      .from(webhookInbox)
      .where(eq(webhookInbox.accountId, inst.accountId))
      .orderBy(desc(webhookInbox.receivedAt))
      .limit(1);
    const blockedUntil =
      deps.access.circuit.openUntil(inst.accountId) ??
      (inst.circuitOpenUntil && inst.circuitOpenUntil > new Date() ? inst.circuitOpenUntil : undefined);
    return {
      ...settings,
      erp: publicView(erpConn.connection),
      health: {
        installation: {
          accountId: inst.accountId,
          subdomain: inst.subdomain,
          status: inst.status,
          authError: inst.authError,
          webhookUrl: webhookDestination(deps.publicUrl, inst.hookKey),
          // One static URL for every account (the manifest's dp.webhook_url); issue 12.
          dpWebhookUrl: new URL('/webhooks/dp', deps.publicUrl).toString(),
        },
        webhooks: {
          received: counts?.received ?? 0,
          pending: counts?.pending ?? 0,
          lastReceivedAt: last?.at.toISOString() ?? null,
        },
        amocrm: { blockedUntil: blockedUntil?.toISOString() ?? null },
        erp: { circuit: erp.circuitState() },
      },
    };
  }

  /** A connection from the form: secrets left empty are taken from what is stored (same kind). */
  async function withStoredSecrets(
    accountId: number,
    input: ErpConnectionInput,
  ): Promise<ErpConnectionInput> {
    const stored = (await deps.erpSettings.get(accountId)).connection;
    if (stored.kind !== input.kind) return input;
    const merged: Record<string, unknown> = {
      ...stored,
      ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    };
    return merged as ErpConnectionInput;
  }

  return {
    view,

    async update(inst: Installation, update: SettingsUpdate): Promise<SettingsView> {
      if (update.erp) {
        await deps.erpSettings.put(inst.accountId, update.erp);
        deps.erp.invalidate(inst.accountId);
      }
      await deps.account.update(inst.accountId, update);
      return view(inst);
    },

    async testConnection(
      inst: Installation,
      input: ErpConnectionInput | undefined,
    ): Promise<ConnectionTestResult> {
      const connection = input
        ? await withStoredSecrets(inst.accountId, input)
        : (await deps.erpSettings.get(inst.accountId)).connection;
      try {
        const connector = buildConnector(connection, { db: deps.db, fetch: deps.fetch });
        const health = await connector.health();
        if (!health.ok)
          return { ok: false, detail: health.detail ?? 'the ERP answered, but reports a problem' };
        const warehouses = (await connector.listWarehouses()).map((w) => w.name);
        return { ok: true, detail: `connected: ${warehouses.length} warehouse(s)`, warehouses };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },

    async setupGate(inst: Installation, enable: boolean) {
      const { guard } = await deps.account.get(inst.accountId);
      if (enable && guard.gatedStages.length === 0) {
        throw new HttpProblem(
          422,
          'request.invalid',
          'No gated stages',
          'Choose the stages to gate before setting up the native gate.',
        );
      }
      const result = await setupNativeGate(deps.access.clientFor(inst), guard, {
        enable,
        language: inst.domain === 'amocrm.ru' ? 'ru' : 'en',
      });
      await deps.account.update(inst.accountId, { guard: { stockCheckedFieldId: result.fieldId } });
      return result;
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
