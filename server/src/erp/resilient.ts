import { SharedAbort, untilAborted } from '../lib/shared-abort.js';
import type { Customer, CustomerSummary, ErpConnector, StockSnapshot, Warehouse } from './connector.js';
import { abortedError, type CallOptions, ErpError } from './connector.js';

export interface ResilienceOptions {
  /** How long a stock answer is served from cache (default 30 s). */
  stockTtlMs?: number;
  /** How long customer data is served from cache (default 60 s). */
  customerTtlMs?: number;
  /** How long a last good answer may stand in while the ERP is down (default 24 h). */
  staleForMs?: number;
  /** Consecutive failures that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial call (default 30 s). */
  openMs?: number;
  /** How long a snapshot with items the ERP has not recalculated yet is kept (default 3 s). */
  pendingStockTtlMs?: number;
  /** Upper bound for any single ERP operation (default 10 s). */
  timeoutMs?: number;
  now?: () => number;
}

export interface Stale<T> {
  value: T;
  /** When the value was read from the ERP. */
  asOf: Date;
  stale: boolean;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

interface Entry<T> {
  value: T;
  at: number;
  /** This entry's own time to live, when shorter than the read's. */
  ttl?: number;
}

/**
 * Wraps a connector with what every ERP needs: a short cache, one ERP call for any number of
 * identical concurrent requests, a circuit breaker, timeouts, and the last good answer (flagged
 * stale, with its age) when the ERP is down. Invoices pass straight through: never cached.
 */
export function withResilience(inner: ErpConnector, opts: ResilienceOptions = {}) {
  const now = opts.now ?? Date.now;
  const stockTtl = opts.stockTtlMs ?? 30_000;
  const pendingTtl = opts.pendingStockTtlMs ?? 3_000;
  const customerTtl = opts.customerTtlMs ?? 60_000;
  const staleFor = opts.staleForMs ?? 86_400_000;
  const threshold = opts.failureThreshold ?? 5;
  const openMs = opts.openMs ?? 30_000;
  const timeoutMs = opts.timeoutMs ?? 10_000;

  const cache = new Map<string, Entry<unknown>>();
  const inflight = new Map<string, { shared: SharedAbort; value: Promise<unknown> }>();
  let failures = 0;
  let openedAt: number | undefined;
  let trialRunning = false;
  let erpCalls = 0;

  function circuitState(): CircuitState {
    if (openedAt === undefined) return 'closed';
    return now() - openedAt >= openMs ? 'half-open' : 'open';
  }

  async function guarded<T>(fn: () => Promise<T>): Promise<T> {
    const state = circuitState();
    if (state === 'open' || (state === 'half-open' && trialRunning)) {
      throw new ErpError('unavailable', 'the ERP is failing; calls are paused for a moment');
    }
    const trial = state === 'half-open';
    if (trial) trialRunning = true;
    erpCalls++;
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        fn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new ErpError('timeout', `the ERP did not answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      failures = 0;
      openedAt = undefined;
      return result;
    } catch (err) {
      // Only failures of the ERP itself count; a 4xx about our request says the ERP is fine.
      if (!(err instanceof ErpError) || err.retryable) {
        failures++;
        if (trial || failures >= threshold) openedAt = now();
      }
      throw err;
    } finally {
      clearTimeout(timer);
      if (trial) trialRunning = false;
    }
  }

  /** Cached, coalesced read; on failure the last good value if it is not too old. */
  async function read<T>(
    key: string,
    ttl: number,
    fn: (signal: AbortSignal) => Promise<T>,
    ttlFor?: (value: T) => number | undefined,
    signal?: AbortSignal,
  ): Promise<Stale<T>> {
    const hit = cache.get(key) as Entry<T> | undefined;
    if (hit && now() - hit.at < (hit.ttl ?? ttl))
      return { value: hit.value, asOf: new Date(hit.at), stale: false };
    let flight = inflight.get(key);
    if (!flight) {
      // One ERP call for every caller; cancelled only when all callers that can cancel have gone.
      const shared = new SharedAbort();
      flight = { shared, value: guarded(() => fn(shared.signal)).finally(() => inflight.delete(key)) };
      inflight.set(key, flight);
    }
    flight.shared.join(signal);
    try {
      const value = (await untilAborted(flight.value, signal, abortedError)) as T;
      const entry = cache.get(key) as Entry<T> | undefined;
      const at = entry && entry.value === value ? entry.at : now();
      cache.set(key, { value, at, ttl: ttlFor?.(value) });
      return { value, asOf: new Date(at), stale: false };
    } catch (err) {
      if (hit && now() - hit.at < staleFor) return { value: hit.value, asOf: new Date(hit.at), stale: true };
      throw err;
    }
  }

  const skuKey = (skus: readonly string[]) => [...new Set(skus)].sort().join('\u0000');

  return {
    kind: inner.kind,
    inner,
    circuitState,
    /** ERP operations actually started (cache hits and coalesced callers do not count). */
    erpCalls: () => erpCalls,

    /** Stock with its age; `stale` when the ERP is down and this is the last known answer. */
    async getStock(skus: readonly string[], call: CallOptions = {}): Promise<Stale<StockSnapshot>> {
      const r = await read(
        `stock:${skuKey(skus)}`,
        stockTtl,
        (signal) => inner.getStock(skus, { signal }),
        (snapshot) => (snapshot.pending?.length ? pendingTtl : undefined),
        call.signal,
      );
      return { ...r, asOf: r.value.asOf };
    },
    listWarehouses: (): Promise<Stale<Warehouse[]>> =>
      read('warehouses', 10 * stockTtl, () => inner.listWarehouses()),
    findCustomers: (q: Parameters<ErpConnector['findCustomers']>[0]): Promise<Stale<Customer[]>> =>
      read(`customers:${q.inn ?? ''}:${q.phone ?? ''}:${q.email ?? ''}`, customerTtl, () =>
        inner.findCustomers(q),
      ),
    getCustomerSummary: (id: string): Promise<Stale<CustomerSummary>> =>
      // A summary with a part missing is asked again soon rather than kept for the full TTL.
      read(
        `summary:${id}`,
        customerTtl,
        () => inner.getCustomerSummary(id),
        (summary) => (summary.unavailable?.length ? pendingTtl : undefined),
      ),
    resolveSkus: (skus: readonly string[]) => guarded(() => inner.resolveSkus(skus)),
    createInvoice: (input: Parameters<ErpConnector['createInvoice']>[0]) =>
      guarded(() => inner.createInvoice(input)),
    health: () => inner.health(),
    /** Forget cached answers (settings changed, "check again"). Last good values stay for stale fallback. */
    invalidate(prefix = '') {
      for (const key of cache.keys()) {
        if (key.startsWith(prefix)) {
          const e = cache.get(key);
          if (e) cache.set(key, { ...e, at: e.at - Math.max(stockTtl, customerTtl) });
        }
      }
    },
  };
}

export type ResilientErp = ReturnType<typeof withResilience>;
