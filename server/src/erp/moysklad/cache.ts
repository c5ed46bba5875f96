import { BoundedCache } from '../../lib/bounded-cache.js';

/**
 * The connector's caches, on the server's one bounded cache: entries and time to live both capped,
 * so SKUs read from deals cannot grow memory. `now` is injectable for tests.
 */
export class TtlCache<K extends string, V> {
  readonly #entries: BoundedCache<{ value: V }>;

  constructor(
    readonly ttlMs: number,
    now?: () => number,
    max = 5000,
  ) {
    this.#entries = new BoundedCache({ max, ttlMs: Math.max(ttlMs, 1), ...(now && { now }) });
  }

  /** `{ value }` when fresh (the value itself may be null: a remembered miss). */
  lookup(key: K): { value: V } | undefined {
    return this.#entries.get(key);
  }

  set(key: K, value: V, ttlMs = this.ttlMs): void {
    this.#entries.set(key, { value }, { ttlMs });
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** Runs `load` once for concurrent callers of the same key; the next call after it settles loads again. */
export class SingleFlight<K, V> {
  #pending = new Map<K, Promise<V>>();

  constructor(private readonly max = 1000) {}

  run(key: K, load: () => Promise<V>): Promise<V> {
    const pending = this.#pending.get(key);
    if (pending) return pending;
    // Bounded like every cache: past the bound a load runs uncoalesced.
    if (this.#pending.size >= this.max) return load();
    const promise = load().finally(() => this.#pending.delete(key));
    this.#pending.set(key, promise);
    return promise;
  }

  get(key: K): Promise<V> | undefined {
    return this.#pending.get(key);
  }
}
