/**
 * One piece of work shared by several callers (a coalesced read) is cancelled only when every
 * caller that could cancel has gone: one abandoned browser tab must not fail the others, and a
 * caller without a signal (the guard, a job) keeps the work alive for good.
 */
export class SharedAbort {
  readonly #controller = new AbortController();
  /** The callers' signals and our listeners on them, removed when the work is over. */
  readonly #joined: [AbortSignal, () => void][] = [];
  #interested = 0;
  #pinned = false;

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Registers a caller; `undefined` (cannot cancel) pins the work. */
  join(signal: AbortSignal | undefined): void {
    if (!signal) {
      this.#pinned = true;
      return;
    }
    if (signal.aborted) {
      this.#maybeAbort();
      return;
    }
    this.#interested++;
    const left = () => {
      this.#interested--;
      this.#maybeAbort();
    };
    signal.addEventListener('abort', left, { once: true });
    this.#joined.push([signal, left]);
  }

  /**
   * The work is over: stop listening to the callers' signals. A caller's signal can outlive its
   * call (http/request-signal.ts gives one to a whole keep-alive connection), so a listener left
   * on it would stay for as long as the connection does.
   */
  settle(): void {
    for (const [signal, left] of this.#joined) signal.removeEventListener('abort', left);
    this.#joined.length = 0;
  }

  #maybeAbort() {
    if (!this.#pinned && this.#interested <= 0) this.#controller.abort();
  }
}

/** `work`, but the caller stops waiting as soon as its own signal fires. */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: () => Error,
): Promise<T> {
  if (!signal) return work;
  // The shared work may fail after this caller left; that failure is nobody's to handle.
  work.catch(() => {});
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(err);
      },
    );
  });
}
