import type { EmbeddedEngine } from './pglite-thread.js';

export interface LaneOptions {
  /** True when the caller's answer waits for this statement (lib/answer-lane.ts). */
  urgent(): boolean;
  /**
   * A background statement that has waited this long goes next whatever waits beside it, so a
   * stream of answers cannot starve jobs, the journal or the queue (default 100 ms).
   */
  maxBackgroundWaitMs?: number;
}

interface Waiting {
  since: number;
  start(): void;
}

/**
 * PGlite runs one statement at a time (on its own thread: db/pglite-thread.ts) and queues the
 * rest first come, first served. A hook's insert or a token's jti claim then waits behind whatever a job
 * queued before it (a pg-boss fetch, the guard's reads, a journal flush: 0.5–2.5 ms each), and a
 * burst of jobs puts the acks' p99 far over budget. So calls wait here instead, in two lanes, and
 * one is handed to PGlite at a time: an answer's statement first, background after (with the age
 * bound above). Each statement starts after one turn of the event loop (setImmediate runs after
 * the poll phase), so sockets and timers run between statements even while many wait, and a
 * chain of awaited statements never holds the loop. A transaction is one call: its statements run
 * through its own handle, not through here. Order within a lane is call order.
 */
export function serveAnswersFirst(client: EmbeddedEngine, opts: LaneOptions): void {
  const maxBackgroundWaitMs = opts.maxBackgroundWaitMs ?? 100;
  const now = () => performance.now();
  const answers: Waiting[] = [];
  const background: Waiting[] = [];
  let busy = false;
  let scheduled = false;

  function next() {
    scheduled = false;
    if (busy) return;
    const oldest = background[0];
    const pick =
      oldest && now() - oldest.since >= maxBackgroundWaitMs
        ? background.shift()
        : (answers.shift() ?? background.shift());
    if (!pick) return;
    busy = true;
    pick.start();
  }
  function schedule() {
    if (scheduled || busy) return;
    scheduled = true;
    setImmediate(next);
  }
  function enqueue<T>(call: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiting: Waiting = {
        since: now(),
        start: () => {
          let running: Promise<T>;
          try {
            running = call();
          } catch (err) {
            running = Promise.reject(err);
          }
          running.then(resolve, reject).finally(() => {
            busy = false;
            schedule();
          });
        },
      };
      (opts.urgent() ? answers : background).push(waiting);
      schedule();
    });
  }

  const query = client.query.bind(client);
  const exec = client.exec.bind(client);
  const named = client.named.bind(client);
  const transaction = client.transaction.bind(client);
  client.query = ((...args: Parameters<typeof query>) =>
    enqueue(() => query(...args))) as typeof client.query;
  client.exec = (...args) => enqueue(() => exec(...args));
  client.named = (...args) => enqueue(() => named(...args));
  client.transaction = ((...args: Parameters<typeof transaction>) =>
    enqueue(() => transaction(...args))) as typeof client.transaction;
}
