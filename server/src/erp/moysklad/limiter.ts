import { sleep } from '../../lib/sleep.js';

/**
 * MoySklad's budget seen from one client: at most `maxInFlight` requests at once (the API
 * answers 429 code 1073 beyond 5), and a shared pause when the API says the window is spent
 * (X-RateLimit-Remaining 0, or a 429), so queued requests wait instead of burning 429s that
 * count towards the automatic ban. Between answers it keeps its own estimate of the remaining
 * budget (the last X-RateLimit-Remaining minus requests sent since), so a burst does not
 * overshoot the window by the requests already on the wire.
 */
export class Limiter {
  #active = 0;
  #queue: (() => void)[] = [];
  #pausedUntil = 0;
  #peak = 0;
  /** Requests we may still send in the current window; null = unknown (no answer seen yet). */
  #budget: number | null = null;
  /** Requests sent whose answer has not been observed yet. */
  #sending = 0;
  #waitingForAnswer: (() => void)[] = [];

  constructor(readonly maxInFlight: number) {
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1)
      throw new Error('maxInFlight must be a positive integer');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.#acquire();
    try {
      await this.#admit();
      try {
        return await task();
      } finally {
        this.#sending--;
        for (const wake of this.#waitingForAnswer.splice(0)) wake();
      }
    } finally {
      this.#release();
    }
  }

  /** Holds every request that has not started yet for `ms`; after it the window is fresh. */
  pauseFor(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + Math.max(0, ms));
    this.#budget = null;
  }

  /** Reads the budget headers of an answer (call it inside the task, before it settles). */
  observe(headers: Headers): void {
    const remaining = msHeader(headers, 'x-ratelimit-remaining');
    if (remaining === undefined) return;
    if (remaining === 0) {
      const reset =
        msHeader(headers, 'x-lognex-reset') ?? msHeader(headers, 'x-lognex-retry-timeinterval') ?? 1000;
      this.pauseFor(reset);
      return;
    }
    if (this.#pausedUntil > Date.now()) return;
    // The other requests on the wire may each take a unit the server had not counted yet.
    this.#budget = remaining - (this.#sending - 1);
  }

  get active(): number {
    return this.#active;
  }

  /** Most requests ever in flight at once (for tests and metrics). */
  get peak(): number {
    return this.#peak;
  }

  async #admit(): Promise<void> {
    for (;;) {
      const wait = this.#pausedUntil - Date.now();
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      // Estimated spent: wait for an answer to tell us more, unless none is coming.
      if (this.#budget !== null && this.#budget <= 0 && this.#sending > 0) {
        await new Promise<void>((resolve) => this.#waitingForAnswer.push(resolve));
        continue;
      }
      break;
    }
    if (this.#budget !== null) this.#budget--;
    this.#sending++;
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
