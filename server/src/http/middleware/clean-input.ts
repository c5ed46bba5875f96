import type { Context, MiddlewareHandler } from 'hono';
import { DomainError } from '../../errors.js';
import {
  decodeComponent,
  decodeUtf8,
  findUncleanText,
  isCleanFormText,
  isCleanText,
} from '../../lib/clean-text.js';
import { declaresBody } from './declares-body.js';

const invalidText = (where: string) =>
  new DomainError(
    'request.invalid',
    `The ${where} holds a NUL character, text that is not UTF-8 or an unpaired surrogate.`,
    { title: 'Invalid text', errors: [{ path: where, message: 'not valid text' }] },
  );

/**
 * Without a '%' or a '+' decoding changes nothing, so the text a route reads is the URL's own:
 * when that is clean, every segment and query pair is (they are split at ASCII characters, which
 * never cut a surrogate pair). Parsing the URL and decoding each part cost ~5 µs a request.
 */
const isPlainCleanUrl = (url: string) => !url.includes('%') && !url.includes('+') && isCleanText(url);

function checkUrl(url: URL) {
  for (const segment of url.pathname.split('/')) {
    const decoded = decodeComponent(segment);
    if (decoded === null || !isCleanText(decoded)) throw invalidText('path');
  }
  if (url.search && !isCleanFormText(url.search.slice(1))) throw invalidText('query');
}

/**
 * The edge check of every request, before any route reads it: path segments, query and body must
 * be text PostgreSQL and the ERPs can hold (see lib/clean-text). Runs after the body limit, so the
 * body it reads is bounded; the route reads the same body again from Hono's cache.
 */
export function cleanInput(): MiddlewareHandler {
  // Not async: a read without a body (the widget's every GET) makes no promise of its own here,
  // and on Node 20 each promise pays the async-context hooks (docs/performance.md, session 11).
  return (c, next) => {
    if (!isPlainCleanUrl(c.req.url)) checkUrl(new URL(c.req.url));
    return declaresBody(c) ? checkBody(c).then(() => next()) : next();
  };
}

/** The body is UTF-8 text free of control characters, also inside its form fields and JSON strings. */
async function checkBody(c: Context): Promise<void> {
  const text = decodeUtf8(new Uint8Array(await c.req.arrayBuffer()));
  if (text === null || !isCleanText(text)) throw invalidText('body');
  const type = c.req.header('content-type') ?? '';
  if (type.includes('x-www-form-urlencoded') && !isCleanFormText(text)) throw invalidText('body');
  if (type.includes('json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined; // malformed JSON: the route's own validation answers it
    }
    const bad = findUncleanText(parsed);
    if (bad !== null) throw invalidText(bad ? `body.${bad}` : 'body');
  }
}
