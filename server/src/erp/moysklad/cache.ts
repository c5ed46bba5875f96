/** A small in-memory map whose entries expire; `now` is injectable for tests. */
export class TtlCache<K, V> {
  #entries = new Map<K, { value: V; expires: number }>();

  constructor(
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** `{ value }` when fresh (the value itself may be null: a remembered miss). */
  lookup(key: K): { value: V } | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return { value: entry.value };
  }

  set(key: K, value: V, ttlMs = this.ttlMs): void {
    this.#entries.set(key, { value, expires: this.now() + ttlMs });
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** Runs `load` once for concurrent callers of the same key; the next call after it settles loads again. */
export class SingleFlight<K, V> {
  #pending = new Map<K, Promise<V>>();

  run(key: K, load: () => Promise<V>): Promise<V> {
    const pending = this.#pending.get(key);
    if (pending) return pending;
    const promise = load().finally(() => this.#pending.delete(key));
    this.#pending.set(key, promise);
    return promise;
  }

  get(key: K): Promise<V> | undefined {
    return this.#pending.get(key);
  }
}
