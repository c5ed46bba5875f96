import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { QueryOptions, Results, Transaction } from '@electric-sql/pglite';
import type { NamedStatement } from './named-statement.js';

/** What the product asks of the embedded engine: PGlite's own calls, wherever it runs. */
export interface EmbeddedEngine {
  query<T = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<Results<T>>;
  exec(sql: string, options?: QueryOptions): Promise<Results[]>;
  /** A hot statement, parsed once under its name; text values in, rows of text out (db/named-statement.ts). */
  named(statement: NamedStatement, values: readonly (string | null)[]): Promise<(string | null)[][]>;
  transaction<T>(fn: (tx: EngineTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly closed: boolean;
}
export type EngineTransaction = Pick<Transaction, 'query' | 'exec' | 'rollback' | 'closed'>;

/** The wire between this thread and db/pglite-worker.ts (structured clone: no functions cross). */
export interface EngineStart {
  dir: string;
  /** PGlite's own defaults when absent. */
  startParams?: string[];
}
export type EngineCall =
  | {
      id: number;
      kind: 'query';
      sql: string;
      params?: unknown[];
      rowMode?: 'array' | 'object';
      /** Type OIDs whose values come back as PostgreSQL's text (Drizzle's identity parsers). */
      textTypes?: number[];
      blob?: Blob;
    }
  | { id: number; kind: 'exec'; sql: string }
  /** A statement parsed once under its name, then bound with text values (db/pglite-worker.ts). */
  | { id: number; kind: 'named'; name: string; text: string; values: (string | null)[] }
  | { id: number; kind: 'close' };
/** Every call also carries the caller's Date.now() (db/pglite-worker.ts keeps one clock). */
export type Stamped = EngineCall & { now: number };
export type EngineError = { message: string } & Record<string, string>;
export type EngineReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: EngineError };
type CallBody = EngineCall extends infer C ? (C extends EngineCall ? Omit<C, 'id'> : never) : never;

const PROBE = '\u0000erp-bridge-probe';

/** Drizzle's parsers only keep PostgreSQL's text; a parser that does more cannot cross a thread. */
function textTypesOf(parsers: QueryOptions['parsers']): number[] | undefined {
  if (!parsers) return undefined;
  return Object.entries(parsers).map(([oid, parse]) => {
    if (parse(PROBE, Number(oid)) !== PROBE)
      throw new Error(`the embedded database's thread takes identity parsers only (type ${oid})`);
    return Number(oid);
  });
}

function queryCall(sql: string, params: unknown[] | undefined, options: QueryOptions | undefined): CallBody {
  const { rowMode, parsers, blob, ...rest } = options ?? {};
  const unsupported = Object.keys(rest).filter((k) => (rest as Record<string, unknown>)[k] !== undefined);
  if (unsupported.length)
    throw new Error(`query options not supported across threads: ${unsupported.join(', ')}`);
  const textTypes = textTypesOf(parsers);
  return {
    kind: 'query',
    sql,
    ...(params?.length && { params }),
    ...(rowMode && { rowMode }),
    ...(textTypes?.length && { textTypes }),
    ...(blob && { blob }),
  };
}

/** No caller passes exec options; any would be lost on the way, so they are refused. */
function refuseExecOptions(options: QueryOptions | undefined) {
  if (options && Object.keys(options).length) throw new Error('exec options not supported across threads');
}

/** scripts/build.ts defines it in the bundle, where the worker is server/dist/pglite-worker.js. */
declare const __ERPB_BUNDLED__: boolean | undefined;

/** In the sources (tsx, vitest) the worker is TypeScript: it registers tsx before importing itself. */
function workerFor(start: EngineStart, resourceLimits: ResourceLimits | undefined): Worker {
  const here = import.meta.url;
  if (typeof __ERPB_BUNDLED__ !== 'undefined')
    return new Worker(new URL('../../dist/pglite-worker.js', here), { workerData: start, resourceLimits });
  // tsx/esm/api's ESM build (its package exports' `import` condition: require.resolve would pick
  // the CommonJS one, which cannot register in a worker).
  const tsxRoot = dirname(createRequire(here).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./pglite-worker.ts', here).href;
  const code = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(code, { eval: true, workerData: start, resourceLimits });
}

/**
 * PGlite on a thread of its own (db/pglite-worker.ts). On this thread a call costs its message
 * both ways (~10–25 µs) instead of the engine's work (~65 µs for `select 1`, ~7 µs per journal
 * row): the measurements are in docs/performance.md. A transaction is BEGIN, its callback's
 * statements and COMMIT or ROLLBACK; db/pglite-lanes.ts hands the engine one call at a time, so
 * nothing else runs inside it. The thread holds the process open only while a call waits.
 */
export class PgliteThread implements EmbeddedEngine {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  #nextId = 1;
  #failure: Error | undefined;
  #closed = false;
  #openTransaction: Promise<void> | undefined;
  #markLost: (err: Error) => void = () => {};
  /**
   * Settles when the engine is gone for good while still open (the thread crashed or exited): no
   * call will succeed again, so the process should end and its supervisor start a new one
   * (scripts/start.ts). Never settles after close().
   */
  readonly lost = new Promise<Error>((resolve) => {
    this.#markLost = resolve;
  });

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (reply: EngineReply) => this.#settle(reply));
    worker.on('error', (err) => this.#fail(err));
    worker.on('exit', (code) => this.#fail(new Error(`the embedded database's thread exited (${code})`)));
  }

  /** Starts the thread and waits until PGlite is ready (its start-up runs there too). */
  static async start(
    start: EngineStart,
    opts: { resourceLimits?: ResourceLimits } = {},
  ): Promise<PgliteThread> {
    const worker = workerFor(start, opts.resourceLimits);
    const thread = new PgliteThread(worker);
    try {
      await new Promise((resolve, reject) => thread.#pending.set(0, { resolve, reject }));
    } catch (err) {
      await worker.terminate(); // a thread whose engine did not start must not hold the process
      throw err;
    }
    return thread;
  }

  get closed() {
    return this.#closed;
  }

  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    if (this.#openTransaction) return this.#afterTransaction(() => this.#query(sql, params, options));
    return this.#query(sql, params, options);
  }

  exec(sql: string, options?: QueryOptions): Promise<Results[]> {
    refuseExecOptions(options);
    if (this.#openTransaction) return this.#afterTransaction(() => this.#exec(sql));
    return this.#exec(sql);
  }

  named(statement: NamedStatement, values: readonly (string | null)[]): Promise<(string | null)[][]> {
    const call = () =>
      this.#call({ kind: 'named', ...statement, values: [...values] }) as Promise<(string | null)[][]>;
    if (this.#openTransaction) return this.#afterTransaction(call);
    return call();
  }

  /** A call from outside an open transaction must not run inside it: it waits for its end. */
  async #afterTransaction<T>(call: () => Promise<T>): Promise<T> {
    while (this.#openTransaction) await this.#openTransaction;
    return call();
  }

  /**
   * Not through query/exec: the lanes wrap those, and a transaction's own statements skip the
   * queue it holds. The lanes already send nothing else meanwhile; the gate keeps that true for
   * any caller.
   */
  async transaction<T>(fn: (tx: EngineTransaction) => Promise<T>): Promise<T> {
    while (this.#openTransaction) await this.#openTransaction;
    let ended = () => {};
    this.#openTransaction = new Promise<void>((resolve) => {
      ended = resolve;
    });
    try {
      return await this.#inTransaction(fn);
    } finally {
      this.#openTransaction = undefined;
      ended();
    }
  }

  async #inTransaction<T>(fn: (tx: EngineTransaction) => Promise<T>): Promise<T> {
    await this.#exec('BEGIN');
    let closed = false;
    const end = async (sql: 'COMMIT' | 'ROLLBACK') => {
      closed = true;
      await this.#exec(sql);
    };
    const open = () => {
      if (closed) throw new Error('the transaction is closed');
    };
    const tx: EngineTransaction = {
      query: (async (sql: string, params?: unknown[], options?: QueryOptions) => {
        open();
        return this.#query(sql, params, options);
      }) as EngineTransaction['query'],
      exec: async (sql, options) => {
        open();
        refuseExecOptions(options);
        return this.#exec(sql);
      },
      rollback: () => end('ROLLBACK'),
      get closed() {
        return closed;
      },
    };
    try {
      const result = await fn(tx);
      if (!closed) await end('COMMIT');
      return result;
    } catch (err) {
      if (!closed) await end('ROLLBACK');
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#call({ kind: 'close' });
    this.#closed = true;
    await this.#worker.terminate();
  }

  #query<T>(sql: string, params: unknown[] | undefined, options: QueryOptions | undefined) {
    return this.#call(queryCall(sql, params, options)) as Promise<Results<T>>;
  }

  #exec(sql: string) {
    return this.#call({ kind: 'exec', sql }) as Promise<Results[]>;
  }

  #call(body: CallBody): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new Error('the embedded database is closed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...body, id, now: Date.now() } as Stamped);
    });
  }

  #settle(reply: EngineReply) {
    const waiting = this.#pending.get(reply.id);
    if (!waiting) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(Object.assign(new Error(reply.error.message), reply.error));
  }

  /** The engine is gone (a crash in WASM, the thread's exit): every waiting and later call fails. */
  #fail(err: Error) {
    if (this.#closed && this.#pending.size === 0) return;
    this.#failure ??= err;
    if (!this.#closed) this.#markLost(this.#failure);
    for (const waiting of this.#pending.values()) waiting.reject(this.#failure);
    this.#pending.clear();
  }
}
