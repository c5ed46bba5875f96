/** A map whose entries expire; the clock is injectable for tests. */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expires: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  get(key: K): { value: V } | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return { value: hit.value };
  }

  set(key: K, value: V, ttlMs: number): void {
    if (ttlMs > 0) this.entries.set(key, { value, expires: this.now() + ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}
