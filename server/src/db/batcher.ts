export interface BatcherOptions<In, Out> {
  /** One statement for the whole batch; answers in the items' order. */
  write(items: In[]): Promise<Out[]>;
  /** When `write` throws, each item is tried alone with this (its own answer or its own error). */
  single?(item: In): Promise<Out>;
  /** Most items per statement (default 256). */
  maxBatch?: number;
  /** Statements in flight at once (default 1: PGlite runs one at a time anyway). */
  maxInFlight?: number;
  /**
   * How long the first item of a quiet moment waits for company before its batch is written, ms
   * (default 0: one turn of the event loop). Items that arrive while a write is in flight are
   * not held again: they go as soon as it is done.
   */
  lingerMs?: number;
  /**
   * Items that arrive while a write is in flight wait `lingerMs` after it, too (default false).
   * For work no caller's answer waits on (the webhook hand-off): fewer, fuller batches under a
   * steady load, at the price of up to `lingerMs` more delay per batch.
   */
  lingerAfterWrite?: boolean;
}

/**
 * Group commit for a hot write path: items that arrive while a statement is in flight wait for
 * the next one and share it. A quiet moment costs one turn of the event loop (what arrives in the
 * same turn joins); under load a batch is whatever queued during the previous write, so batches
 * grow with the load and statements per second stay about flat. Each caller is answered only
 * after the statement that carries its item has committed.
 */
export function createBatcher<In, Out>(opts: BatcherOptions<In, Out>) {
  const maxBatch = opts.maxBatch ?? 256;
  const maxInFlight = opts.maxInFlight ?? 1;
  const lingerMs = opts.lingerMs ?? 0;
  const lingerAfterWrite = (opts.lingerAfterWrite ?? false) && lingerMs > 0;
  interface Pending {
    item: In;
    resolve(out: Out): void;
    reject(err: unknown): void;
  }
  let pending: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function run(batch: Pending[]) {
    let outs: Out[];
    try {
      outs = await opts.write(batch.map((p) => p.item));
    } catch (err) {
      const single = opts.single;
      if (!single || batch.length === 1) for (const p of batch) p.reject(err);
      else await Promise.all(batch.map((p) => single(p.item).then(p.resolve, p.reject)));
      return;
    }
    batch.forEach((p, i) => {
      p.resolve(outs[i] as Out);
    });
  }

  function pump() {
    scheduled = false;
    while (inFlight < maxInFlight && pending.length > 0) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(batch.length);
      inFlight++;
      void run(batch).finally(() => {
        inFlight--;
        if (!lingerAfterWrite) pump();
        else if (pending.length > 0 && !scheduled) {
          scheduled = true;
          setTimeout(pump, lingerMs);
        }
      });
    }
  }

  return {
    add(item: In): Promise<Out> {
      return new Promise<Out>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        if (!scheduled && inFlight < maxInFlight) {
          scheduled = true;
          if (lingerMs > 0) setTimeout(pump, lingerMs);
          else setImmediate(pump);
        }
      });
    },
  };
}
