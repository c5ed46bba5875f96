import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, protocol, type QueryOptions } from '@electric-sql/pglite';
import type { EngineCall, EngineError, EngineReply, EngineStart, Stamped } from './pglite-thread.js';

/**
 * The embedded database's own thread (db/pglite-thread.ts starts it): PGlite runs here, so its
 * WASM (planning, executing, WAL: 60–80 µs for the simplest statement, ~7 µs per journal row)
 * never holds the event loop that answers widgets and webhooks. Calls arrive in order and run in
 * order, one at a time, as PGlite runs them anyway.
 */
const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs as a worker thread (db/pglite-thread.ts)');
const start = workerData as EngineStart;

/** Only identity parsers cross the thread (Drizzle's: timestamps and intervals as PostgreSQL wrote them). */
const keepText = (value: string) => value;

function options(call: Extract<EngineCall, { kind: 'query' }>): QueryOptions | undefined {
  if (!call.rowMode && !call.textTypes?.length && !call.blob) return undefined;
  return {
    ...(call.rowMode && { rowMode: call.rowMode }),
    ...(call.textTypes?.length && {
      parsers: Object.fromEntries(call.textTypes.map((oid) => [oid, keepText])),
    }),
    ...(call.blob && { blob: call.blob }),
  };
}

/** PostgreSQL's error fields travel as data: an Error's own properties do not survive the copy. */
function engineError(err: unknown): EngineError {
  if (!(err instanceof Error)) return { message: String(err) };
  const fields: EngineError = { message: err.message, name: err.name };
  for (const key of [
    'code',
    'detail',
    'hint',
    'severity',
    'constraint',
    'table',
    'column',
    'schema',
    'position',
  ]) {
    const value = (err as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string') fields[key] = value;
  }
  return fields;
}

/**
 * One clock per process, as when PGlite ran on the caller's thread: each call carries the
 * caller's Date.now(), and PostgreSQL's now() (Emscripten reads CLOCK_REALTIME through Date.now)
 * follows it when the two differ by more than a second. In production they agree to the
 * millisecond and nothing moves; a test that sets the system time moves both. Smaller
 * differences are the message's own delay, and following them would let now() step backwards.
 */
const realNow = Date.now.bind(Date);
let skewMs = 0;
Date.now = () => realNow() + skewMs;
function followCallerClock(callerNow: number) {
  const skew = callerNow - realNow();
  if (Math.abs(skew - skewMs) > 1000) skewMs = skew;
}

const client = new PGlite(start.dir, start.startParams ? { startParams: start.startParams } : {});
let chain: Promise<unknown> = client.waitReady.then(
  () => port.postMessage({ id: 0, ok: true, value: null } satisfies EngineReply),
  (err: unknown) => port.postMessage({ id: 0, ok: false, error: engineError(err) } satisfies EngineReply),
);

/**
 * Named statements this engine has parsed. PGlite's `query()` parses, plans and types its
 * statement on every call; a named one is parsed once here with PostgreSQL's extended protocol
 * (PGlite's own serializer), then each call is Bind, Execute, Sync with text values, and its rows
 * come back as text. For the jti claim that fixed part was most of its cost (docs/performance.md).
 */
const parsed = new Map<string, string>();
const { serialize } = protocol;

async function runNamed(call: Extract<EngineCall, { kind: 'named' }>) {
  const known = parsed.get(call.name);
  if (known !== undefined && known !== call.text)
    throw new Error(`statement ${call.name} is already prepared with another text`);
  if (known === undefined) {
    // Parsed alone first: a text the engine refuses (execProtocol throws its error) leaves no
    // statement behind and no name here.
    await client.execProtocol(wire(serialize.parse({ name: call.name, text: call.text }), serialize.sync()));
    parsed.set(call.name, call.text);
  }
  const { messages } = await client.execProtocol(
    wire(
      serialize.bind({ statement: call.name, values: call.values }),
      serialize.execute(),
      serialize.sync(),
    ),
  );
  return messages.flatMap((m) => (m instanceof protocol.messages.DataRowMessage ? [m.fields] : []));
}

/** One call's protocol messages as one buffer, as execProtocol takes them. */
const wire = (...parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);

async function run(call: EngineCall): Promise<unknown> {
  switch (call.kind) {
    case 'named':
      return runNamed(call);
    case 'query': {
      const { rows, fields, affectedRows } = await client.query(call.sql, call.params, options(call));
      return { rows, fields, affectedRows };
    }
    case 'exec':
      return (await client.exec(call.sql)).map(({ rows, fields, affectedRows }) => ({
        rows,
        fields,
        affectedRows,
      }));
    case 'close':
      await client.close();
      return null;
  }
}

port.on('message', (call: Stamped) => {
  chain = chain.then(async () => {
    followCallerClock(call.now);
    let reply: EngineReply;
    try {
      reply = { id: call.id, ok: true, value: await run(call) };
    } catch (err) {
      reply = { id: call.id, ok: false, error: engineError(err) };
    }
    port.postMessage(reply);
    if (call.kind === 'close') port.close();
  });
});
