import { LRUCache } from 'lru-cache';

/**
 * The one cache shape the server uses: a bounded number of entries, each with a time to live,
 * least recently used evicted first, and concurrent loads of one key sharing one call
 * (single-flight). Keys longer than `maxKeyLength` are never stored or coalesced — a stranger
 * choosing keys (hook keys, customer ids) must not be able to grow memory.
 */
export interface BoundedCacheOptions {
  /** Most entries kept; the least recently used goes first. */
  max: number;
  /** Default time to live of an entry, in milliseconds. */
  ttlMs: number;
  /** Keys longer than this bypass the cache (default 512 characters). */
  maxKeyLength?: number;
  /** Injectable clock for tests. */
  now?: () => number;
}

export interface LoadOptions {
  /** Time to live of this entry instead of the default (e.g. shorter for a negative lookup). */
  ttlMs?: number;
}

export class BoundedCache<V extends NonNullable<unknown>> {
  private readonly entries: LRUCache<string, V>;
  private readonly inflight = new Map<string, Promise<V>>();
  private readonly maxKeyLength: number;
  private readonly max: number;

  constructor(options: BoundedCacheOptions) {
    if (!(options.max > 0) || !(options.ttlMs > 0))
      throw new Error('BoundedCache needs max > 0 and ttlMs > 0');
    this.max = options.max;
    this.maxKeyLength = options.maxKeyLength ?? 512;
    const clock = options.now;
    this.entries = new LRUCache<string, V>({
      // The bound as maxSize (every entry counts 1), not max: lru-cache allocates its arrays for
      // `max` entries when it is built ("At initial object creation, storage is allocated for
      // `max` items", its README, Storage Bounds Safety), ~38 bytes an entry, so the ~120k
      // entries of bounds one web instance builds held 4.5 MB empty, and every account added
      // ~1.5 MB more (its lead reader and ERP caches). maxSize grows storage as entries come.
      maxSize: options.max,
      sizeCalculation: () => 1,
      ttl: options.ttlMs,
      ttlAutopurge: false,
      // lru-cache reads performance.now() by default; a test clock replaces it. lru-cache reads a
      // start time of 0 as "no ttl", so the test clock is shifted by one millisecond.
      ...(clock ? { perf: { now: () => clock() + 1 }, ttlResolution: 0 } : {}),
    });
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether `key` may be stored at all. */
  accepts(key: string): boolean {
    return key.length <= this.maxKeyLength;
  }

  get(key: string): V | undefined {
    if (!this.accepts(key)) return undefined;
    return this.entries.get(key);
  }

  set(key: string, value: V, options: LoadOptions = {}): void {
    if (!this.accepts(key)) return;
    if (options.ttlMs !== undefined && options.ttlMs <= 0) {
      this.entries.delete(key);
      return;
    }
    this.entries.set(key, value, options.ttlMs !== undefined ? { ttl: options.ttlMs } : undefined);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Every key currently held (for invalidation by prefix); expired entries are skipped. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * The cached value, or the one `load` returns (stored with `ttlFor(value)` or the default).
   * Concurrent calls for one key share one `load`; a failed load is not cached.
   */
  async getOrLoad(
    key: string,
    load: () => Promise<V>,
    ttlFor?: (value: V) => number | undefined,
  ): Promise<V> {
    if (!this.accepts(key)) return load();
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    // The in-flight map is bounded like the cache: past the bound, a load runs uncoalesced.
    if (this.inflight.size >= this.max) return load();
    const promise = load().then((value) => {
      const ttlMs = ttlFor?.(value);
      this.set(key, value, ttlMs === undefined ? {} : { ttlMs });
      return value;
    });
    this.inflight.set(key, promise);
    try {
      return await promise;
    } finally {
      this.inflight.delete(key);
    }
  }
}
