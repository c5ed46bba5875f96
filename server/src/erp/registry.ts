import type { Db } from '../db/open.js';
import { BoundedCache } from '../lib/bounded-cache.js';
import type { ExchangeObserver } from '../lib/exchange.js';
import type { ErpConnector } from './connector.js';
import { ErpError } from './connector.js';
import { createLocalConnector } from './local/connector.js';
import { createMoySkladConnector } from './moysklad/index.js';
import { createOneCConnector } from './onec/index.js';
import { type ResilienceOptions, type ResilientErp, withResilience } from './resilient.js';
import { createRestConnector, loadRestMapping } from './rest/index.js';
import type { ErpConnection, ErpSettingsStore, StoredConnection } from './settings.js';

/** Builds the connector a connection describes. Adding an ERP adds a case here and a folder. */
export function buildConnector(
  connection: ErpConnection,
  deps: { db: Db; fetch?: typeof fetch; onExchange?: ExchangeObserver },
): ErpConnector {
  switch (connection.kind) {
    case 'local':
      return createLocalConnector(deps.db, connection.storeId);
    case 'moysklad':
      if (!connection.token) throw new ErpError('auth', 'MoySklad token is not set');
      return createMoySkladConnector({
        token: connection.token,
        apiBase: connection.apiBase,
        fetch: deps.fetch,
        onExchange: deps.onExchange,
      });
    case 'onec':
      return createOneCConnector({
        odataUrl: connection.odataUrl,
        user: connection.user,
        password: connection.password ?? '',
        fetch: deps.fetch,
        onExchange: deps.onExchange,
        ...(connection.stockRegister && { stockRegister: connection.stockRegister }),
        ...(connection.invoiceDocument && { invoiceDocument: connection.invoiceDocument }),
      });
    case 'rest':
      if (!connection.mapping) throw new ErpError('validation', 'the REST mapping is not set');
      return createRestConnector(loadRestMapping(connection.mapping), {
        fetch: deps.fetch,
        onExchange: deps.onExchange,
      });
  }
}

/**
 * A saved connection that cannot be built (a token or mapping missing or invalid) still gives the
 * account a connector: one whose every call fails with that reason, so a read says what is wrong
 * (and the settings page still opens) instead of failing somewhere else with an unknown error.
 */
function connectorOrBroken(
  connection: ErpConnection,
  deps: { db: Db; fetch?: typeof fetch; onExchange?: ExchangeObserver },
): ErpConnector {
  try {
    return buildConnector(connection, deps);
  } catch (err) {
    const reason =
      err instanceof ErpError ? err : new ErpError('validation', 'the saved ERP connection is not valid');
    const fail = async (): Promise<never> => {
      throw reason;
    };
    return {
      kind: connection.kind,
      resolveSkus: fail,
      getStock: fail,
      listWarehouses: fail,
      findCustomers: fail,
      getCustomerSummary: fail,
      createInvoice: fail,
      health: async () => ({ ok: false, detail: reason.message }),
    };
  }
}

/**
 * The resilient connector of each account, rebuilt when its settings change. Cache, coalescing
 * and the circuit live in the wrapper, so they are per account and connection.
 */
export function createErpRegistry(deps: {
  db: Db;
  settings: ErpSettingsStore;
  resilience?: ResilienceOptions;
  fetch?: typeof fetch;
  /** Told of every ERP request attempt (request journal). */
  onExchange?: ExchangeObserver;
  /** How long a settings read is trusted before looking again (other instances may change them). */
  settingsTtlMs?: number;
}) {
  const ttl = deps.settingsTtlMs ?? 5000;
  // Connectors by account; the settings behind one are re-read after `ttl`. An entry not used for
  // a day goes (its cache and circuit with it); a later call simply builds it again.
  const built = new BoundedCache<{ version: string; erp: ResilientErp }>({ max: 1000, ttlMs: 86_400_000 });
  // The settings as last read, trusted for `ttl`; concurrent reads of one account share one query.
  const fresh = new BoundedCache<StoredConnection>({ max: 1000, ttlMs: Math.max(ttl, 1) });
  return {
    async forAccount(accountId: number): Promise<ResilientErp> {
      const key = String(accountId);
      const stored = await fresh.getOrLoad(key, () => deps.settings.get(accountId));
      // Read after the await: callers that shared the read find the connector the first one built.
      const cached = built.get(key);
      if (cached && cached.version === stored.version) return cached.erp;
      const erp = withResilience(connectorOrBroken(stored.connection, deps), deps.resilience);
      built.set(key, { version: stored.version, erp });
      return erp;
    },
    /** Settings of this account changed here: rebuild on next use. */
    invalidate(accountId: number) {
      built.delete(String(accountId));
      fresh.delete(String(accountId));
    },
  };
}

export type ErpRegistry = ReturnType<typeof createErpRegistry>;
