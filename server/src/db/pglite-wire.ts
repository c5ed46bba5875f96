/**
 * PostgreSQL's extended query protocol for one named statement, as bytes for PGlite's
 * `execProtocolRaw` (https://www.postgresql.org/docs/current/protocol-message-formats.html).
 * PGlite's `query()` parses and plans its statement on every call, unnamed, and turns each result
 * through its JS type parsers; for the hottest statement (the jti claim, a few hundred times a
 * second) that fixed part was most of its cost. A named statement is parsed and planned once per
 * engine, then each call is Bind, Execute, Sync, with text values in and text columns out.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

class Writer {
  readonly #chunks: Uint8Array[] = [];
  #length = 0;

  message(type: string, body: (w: BodyWriter) => void) {
    const parts: Uint8Array[] = [];
    const w: BodyWriter = {
      cstring: (s) => parts.push(encoder.encode(s), new Uint8Array(1)),
      int16: (n) => parts.push(int(2, n)),
      int32: (n) => parts.push(int(4, n)),
      bytes: (b) => parts.push(b),
    };
    body(w);
    const size = parts.reduce((n, p) => n + p.length, 4);
    const head = new Uint8Array(5);
    head[0] = type.charCodeAt(0);
    new DataView(head.buffer).setInt32(1, size);
    this.#push(head);
    for (const p of parts) this.#push(p);
  }

  #push(b: Uint8Array) {
    this.#chunks.push(b);
    this.#length += b.length;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
interface BodyWriter {
  cstring(s: string): void;
  int16(n: number): void;
  int32(n: number): void;
  bytes(b: Uint8Array): void;
}

function int(size: 2 | 4, n: number): Uint8Array {
  const b = new Uint8Array(size);
  const view = new DataView(b.buffer);
  if (size === 2) view.setInt16(0, n);
  else view.setInt32(0, n);
  return b;
}

/** Parse of a named statement, then Sync (its reply is empty, or the error that refused it). */
export function parseCall(statement: { name: string; text: string }): Uint8Array {
  const w = new Writer();
  w.message('P', (b) => {
    b.cstring(statement.name);
    b.cstring(statement.text);
    b.int16(0); // parameter types: inferred by the server
  });
  w.message('S', () => {});
  return w.bytes();
}

/** Bind of `values` as text (null as SQL NULL) to a parsed statement, Execute, Sync; columns come back as text. */
export function bindCall(name: string, values: readonly (string | null)[]): Uint8Array {
  const w = new Writer();
  w.message('B', (b) => {
    b.cstring(''); // the unnamed portal
    b.cstring(name);
    b.int16(0); // every parameter in text format
    b.int16(values.length);
    for (const v of values) {
      if (v === null) b.int32(-1);
      else {
        const bytes = encoder.encode(v);
        b.int32(bytes.length);
        b.bytes(bytes);
      }
    }
    b.int16(0); // every result column in text format
  });
  w.message('E', (b) => {
    b.cstring('');
    b.int32(0); // all rows
  });
  w.message('S', () => {});
  return w.bytes();
}

/** An ErrorResponse's fields by their protocol codes, under the names PGlite's errors use. */
const ERROR_FIELDS: Record<string, string> = {
  S: 'severity',
  C: 'code',
  M: 'message',
  D: 'detail',
  H: 'hint',
  P: 'position',
  s: 'schema',
  t: 'table',
  c: 'column',
  n: 'constraint',
};

export class EngineStatementError extends Error {
  override name = 'DatabaseError';
  [field: string]: unknown;
}

/**
 * The DataRows of a reply as text (null for SQL NULL); throws the reply's ErrorResponse as an
 * error carrying PostgreSQL's fields (code, detail, constraint…), as PGlite's own errors do.
 */
export function rowsOfReply(reply: Uint8Array): (string | null)[][] {
  const view = new DataView(reply.buffer, reply.byteOffset, reply.byteLength);
  const rows: (string | null)[][] = [];
  let error: EngineStatementError | undefined;
  for (let at = 0; at + 5 <= reply.length; ) {
    const type = String.fromCharCode(reply[at] as number);
    const end = at + 1 + view.getInt32(at + 1);
    if (end > reply.length) throw new Error('truncated reply from the embedded database');
    if (type === 'D') {
      const row: (string | null)[] = [];
      let p = at + 7;
      for (let i = view.getInt16(at + 5); i > 0; i--) {
        const len = view.getInt32(p);
        p += 4;
        if (len < 0) row.push(null);
        else {
          row.push(decoder.decode(reply.subarray(p, p + len)));
          p += len;
        }
      }
      rows.push(row);
    } else if (type === 'E' && !error) error = errorOf(reply.subarray(at + 5, end));
    at = end;
  }
  if (error) throw error;
  return rows;
}

function errorOf(body: Uint8Array): EngineStatementError {
  const fields: Record<string, string> = {};
  for (let p = 0; p < body.length && body[p] !== 0; ) {
    const code = String.fromCharCode(body[p] as number);
    const stop = body.indexOf(0, p + 1);
    const value = decoder.decode(body.subarray(p + 1, stop < 0 ? body.length : stop));
    const name = ERROR_FIELDS[code];
    if (name) fields[name] = value;
    p = stop < 0 ? body.length : stop + 1;
  }
  const err = new EngineStatementError(fields.message ?? 'the embedded database refused the statement');
  for (const [k, v] of Object.entries(fields)) if (k !== 'message') err[k] = v;
  return err;
}
