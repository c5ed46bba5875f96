import type { z } from 'zod';
import { ErpError } from '../connector.js';
import type { OneCContext } from './context.js';
import { guid, str } from './odata.js';
import { collection } from './schemas.js';

export const idempotencyMarker = (key: string) => `erp-bridge:${key}`;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `text` carries the key's marker as a whole token ('erp-bridge:k' never matches 'erp-bridge:k-b'). */
export function hasMarker(text: string, key: string): boolean {
  return new RegExp(`(^|\\s)${escapeRe(idempotencyMarker(key))}(\\s|$)`).test(text);
}

/** The text to write into the marker field: the caller's comment, then the marker on its own line. */
export const withMarker = (key: string, comment?: string) =>
  comment ? `${comment}\n${idempotencyMarker(key)}` : idempotencyMarker(key);

/**
 * Live documents carrying the key's marker, oldest number first. 1C has no idempotency key, so a
 * marker in the document itself stands for one; a duplicate (two documents with one marker, from a
 * retried POST) comes back second, so every caller settles on the same, first, document.
 */
export async function findMarked<S extends z.ZodType<{ marker: string }>>(
  ctx: OneCContext,
  q: { document: string; field: string; key: string; select: string; row: S; signal?: AbortSignal },
): Promise<z.output<S>[]> {
  const page = await ctx.http.get(
    q.document,
    {
      $filter: `substringof(${str(idempotencyMarker(q.key))}, ${q.field}) and DeletionMark eq false`,
      $select: q.select,
      $orderby: 'Number',
    },
    collection(q.row),
    { signal: q.signal },
  );
  return page.value.filter((d) => hasMarker(d.marker, q.key));
}

/** Serialises attempts per key within this process: two concurrent retries never both create. */
export function perKey<T>() {
  const inFlight = new Map<string, Promise<T>>();
  return (key: string, run: () => Promise<T>): Promise<T> => {
    const previous = inFlight.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(run);
    inFlight.set(key, next);
    const forget = () => {
      if (inFlight.get(key) === next) inFlight.delete(key);
    };
    next.then(forget, forget);
    return next;
  };
}

/**
 * POSTs a new document. That POST is never retried (a lost answer may hide a created document):
 * on a retryable failure the document 1C may have written is looked for before the error stands.
 */
export async function createOnce<S extends z.ZodType>(
  ctx: OneCContext,
  q: { document: string; body: unknown; row: S; signal?: AbortSignal },
  find: () => Promise<z.output<S> | undefined>,
): Promise<z.output<S>> {
  let created: z.output<S> | undefined;
  try {
    created = await ctx.http.post(q.document, q.body, q.row, { idempotent: false, signal: q.signal });
  } catch (err) {
    if (!(err instanceof ErpError) || !err.retryable) throw err;
    created = await find().catch(() => undefined);
    if (!created) throw err;
  }
  if (!created) throw new ErpError('invalid_response', `1C answered POST ${q.document} with no document`);
  return created;
}

/** Post() of a document not posted yet; retried like a read, since posting twice is harmless. */
export async function postOnce<T extends { id: string; posted: boolean }>(
  ctx: OneCContext,
  document: string,
  doc: T,
  signal?: AbortSignal,
): Promise<T> {
  if (doc.posted) return doc;
  await ctx.http.post(`${document}(${guid(doc.id)})/Post()`, undefined, null, {
    idempotent: true,
    query: { PostingModeOperational: 'false' },
    signal,
  });
  return { ...doc, posted: true };
}
