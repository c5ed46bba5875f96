import { createHash } from 'node:crypto';
import { BoundedCache } from '../lib/bounded-cache.js';
import { isCleanText } from '../lib/clean-text.js';
import { SharedAbort, untilAborted } from '../lib/shared-abort.js';
import type { Customer, CustomerSummary, ErpConnector, StockSnapshot, Warehouse } from './connector.js';
import { abortedError, type CallOptions, ErpError } from './connector.js';
import { loopCapabilities } from './loop-capabilities.js';

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
  /** Most answers kept (fresh and last-good alike; default 2000). */
  maxEntries?: number;
  now?: () => number;
}

export interface Stale<T> {
  value: T;
  /** When the value was read from the ERP. */
  asOf: Date;
  stale: boolean;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

interface Entry {
  value: unknown;
  at: number;
}

/** Longest customer id we pass to an ERP; longer is our own validation error, not the ERP's. */
export const MAX_CUSTOMER_ID_LENGTH = 256;

/**
 * Failures that say the ERP is not available. A refusal of our request (not found, validation,
 * auth, conflict) or an answer we could not read says the ERP is up, so it never opens the circuit.
 */
const AVAILABILITY_FAILURES = new Set(['unavailable', 'timeout', 'rate_limited']);
const isAvailabilityFailure = (err: unknown) =>
  err instanceof ErpError ? AVAILABILITY_FAILURES.has(err.code) : true;

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

  const max = opts.maxEntries ?? 2000;
  // Fresh answers (coalesced loads) and last good answers (the stale fallback) are both bounded:
  // keys come from deals' SKUs and from customer ids a user may choose.
  const fresh = new BoundedCache<Entry>({ max, ttlMs: Math.max(stockTtl, customerTtl, 1), now });
  const lastGood = new BoundedCache<Entry>({ max, ttlMs: Math.max(staleFor, 1), now });
  // In-flight reads: one entry per key being read right now, so bounded by the callers waiting.
  const inflight = new Map<string, { shared: SharedAbort; value: Promise<Entry> }>();
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
      if (isAvailabilityFailure(err)) {
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
    const hit = fresh.get(key);
    if (hit) return { value: hit.value as T, asOf: new Date(hit.at), stale: false };
    let flight = inflight.get(key);
    if (!flight) {
      // One ERP call for every caller; cancelled only when all callers that can cancel have gone.
      const shared = new SharedAbort();
      const value = guarded(() => fn(shared.signal))
        .then((v): Entry => {
          const entry = { value: v, at: now() };
          fresh.set(key, entry, { ttlMs: ttlFor?.(v) ?? ttl });
          lastGood.set(key, entry);
          return entry;
        })
        .finally(() => {
          inflight.delete(key);
          shared.settle();
        });
      flight = { shared, value };
      inflight.set(key, flight);
    }
    flight.shared.join(signal);
    try {
      const entry = await untilAborted(flight.value, signal, abortedError);
      return { value: entry.value as T, asOf: new Date(entry.at), stale: false };
    } catch (err) {
      const hit = lastGood.get(key);
      if (hit && now() - hit.at < staleFor)
        return { value: hit.value as T, asOf: new Date(hit.at), stale: true };
      throw err;
    }
  }

  /** A customer id is the user's choice: check it here so a bad one is our error, never the ERP's. */
  function checkedCustomerId(id: string): string {
    if (id.length === 0 || id.length > MAX_CUSTOMER_ID_LENGTH || !isCleanText(id))
      throw new ErpError('validation', 'the customer id is not valid');
    return id;
  }

  /** Long keys (deals with many SKUs, long identifiers) are hashed: a key costs the same at any size. */
  const forgetByPrefix = (prefix: string) => {
    for (const key of fresh.keys()) if (key.startsWith(prefix)) fresh.delete(key);
  };
  const cacheKey = (prefix: string, parts: string) =>
    parts.length <= 200
      ? `${prefix}:${parts}`
      : `${prefix}#${createHash('sha256').update(parts).digest('base64url')}`;

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
        cacheKey('stock', skuKey(skus)),
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
      read(
        cacheKey('customers', `${q.inn ?? ''}\u0000${q.phone ?? ''}\u0000${q.email ?? ''}`),
        customerTtl,
        () => inner.findCustomers(q),
      ),
    getCustomerSummary: async (id: string): Promise<Stale<CustomerSummary>> => {
      const customerId = checkedCustomerId(id);
      // A summary with a part missing is asked again soon rather than kept for the full TTL.
      return read(
        cacheKey('summary', customerId),
        customerTtl,
        () => inner.getCustomerSummary(customerId),
        (summary) => (summary.unavailable?.length ? pendingTtl : undefined),
      );
    },
    resolveSkus: (skus: readonly string[]) => guarded(() => inner.resolveSkus(skus)),
    createInvoice: async (input: Parameters<ErpConnector['createInvoice']>[0]) => {
      checkedCustomerId(input.customerId);
      return guarded(() => inner.createInvoice(input));
    },
    ...loopCapabilities(inner, guarded, () => forgetByPrefix('stock')),
    health: () => inner.health(),
    /** Forget the cached stock of exactly these SKUs ("↻" in the panel re-reads the ERP). */
    forgetStock(skus: readonly string[]) {
      fresh.delete(cacheKey('stock', skuKey(skus)));
    },
    /** Forget cached answers (settings changed, "check again"). Last good values stay for stale fallback. */
    invalidate(prefix = '') {
      forgetByPrefix(prefix);
    },
  };
}

export type ResilientErp = ReturnType<typeof withResilience>;
