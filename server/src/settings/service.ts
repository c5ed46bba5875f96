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
import { ErpError, type ErpErrorCode } from '../erp/connector.js';
import { buildConnector, type ErpRegistry } from '../erp/registry.js';
import {
  completeConnection,
  type ErpSettingsStore,
  publicView,
  SecretRequiredError,
} from '../erp/settings.js';
import { DomainError } from '../errors.js';
import { setupNativeGate } from '../guard/native-gate.js';
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

  /** The form's connection completed from the stored one; a stored secret never follows a new origin. */
  async function completed(accountId: number, input: ErpConnectionInput): Promise<ErpConnectionInput> {
    const stored = (await deps.erpSettings.get(accountId)).connection;
    try {
      return completeConnection(stored, input);
    } catch (err) {
      if (err instanceof SecretRequiredError) throw secretRequired(err.field);
      throw err;
    }
  }

  return {
    view,

    async update(inst: Installation, update: SettingsUpdate): Promise<SettingsView> {
      if (update.erp) {
        await deps.erpSettings.put(inst.accountId, await completed(inst.accountId, update.erp));
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
        ? await completed(inst.accountId, input)
        : (await deps.erpSettings.get(inst.accountId)).connection;
      // The answer is ours: a sentence and a code, never what the remote host sent.
      try {
        const connector = buildConnector(connection, { db: deps.db, fetch: deps.fetch });
        const health = await connector.health();
        if (!health.ok) return testFailed(health.code);
        const warehouses = (await connector.listWarehouses()).map((w) => w.name);
        return { ok: true, detail: `connected: ${warehouses.length} warehouse(s)`, warehouses };
      } catch (err) {
        return testFailed(err instanceof ErpError ? err.code : undefined);
      }
    },

    async setupGate(inst: Installation, enable: boolean) {
      const { guard } = await deps.account.get(inst.accountId);
      if (enable && guard.gatedStages.length === 0) {
        throw new DomainError(
          'settings.gate_stages_required',
          'Choose the stages to gate before setting up the native gate.',
          { title: 'No gated stages' },
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

const secretRequired = (field: string) =>
  new DomainError(
    'settings.secret_required',
    `Enter the ${field} again: the ERP address changed, and a saved secret is sent only to the address it was saved for.`,
    { title: 'Secret required', errors: [{ path: `erp.${field}`, message: 'required for a new address' }] },
  );

const TEST_FAILURES: Record<string, [ConnectionTestResult['code'], string]> = {
  auth: ['erp.auth_failed', 'The ERP refused the credentials.'],
  forbidden: ['erp.auth_failed', 'The ERP refused access for these credentials.'],
  timeout: ['erp.timeout', 'The ERP did not answer in time.'],
  rate_limited: ['erp.rate_limited', 'The ERP asked us to slow down; try again in a minute.'],
  validation: ['erp.not_configured', 'The connection is not complete or the ERP refused the request.'],
};

function testFailed(code: ErpErrorCode | undefined): ConnectionTestResult {
  const [problem, detail] = TEST_FAILURES[code ?? ''] ?? [
    'erp.unavailable',
    'The ERP could not be reached or answered in an unexpected way.',
  ];
  return { ok: false, code: problem, detail };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
