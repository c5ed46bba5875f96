const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * MoySklad's budget seen from one client: at most `maxInFlight` requests at once (the API
 * answers 429 code 1073 beyond 5), and a shared pause when the API says the window is spent
 * (X-RateLimit-Remaining 0, or a 429), so queued requests wait instead of burning 429s that
 * count towards the automatic ban.
 */
export class Limiter {
  #active = 0;
  #queue: (() => void)[] = [];
  #pausedUntil = 0;
  #peak = 0;

  constructor(readonly maxInFlight: number) {
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1)
      throw new Error('maxInFlight must be a positive integer');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.#acquire();
    try {
      for (let wait = this.#pausedUntil - Date.now(); wait > 0; wait = this.#pausedUntil - Date.now()) {
        await sleep(wait);
      }
      return await task();
    } finally {
      this.#release();
    }
  }

  /** Holds every request that has not started yet for `ms`. */
  pauseFor(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + Math.max(0, ms));
  }

  /** Reads the budget headers of any answer. */
  observe(headers: Headers): void {
    if (headers.get('x-ratelimit-remaining') !== '0') return;
    const reset =
      msHeader(headers, 'x-lognex-reset') ?? msHeader(headers, 'x-lognex-retry-timeinterval') ?? 1000;
    this.pauseFor(reset);
  }

  get active(): number {
    return this.#active;
  }

  /** Most requests ever in flight at once (for tests and metrics). */
  get peak(): number {
    return this.#peak;
  }

  #acquire(): Promise<void> {
    if (this.#active < this.maxInFlight) {
      this.#active++;
      this.#peak = Math.max(this.#peak, this.#active);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  #release(): void {
    const next = this.#queue.shift();
    // The slot passes straight to the next waiter, so the count never dips and races.
    if (next) next();
    else this.#active--;
  }
}

export function msHeader(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
