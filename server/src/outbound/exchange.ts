import { randomUUID } from 'node:crypto';
import { attributed, countOutgoing } from '../lib/exchange.js';
import { DEFAULT_MAX_BODY_BYTES, readText } from './body.js';
import { describeNetworkError, OutboundFailure } from './failure.js';
import { attemptSignal } from './signal.js';
import type { Answer, OutboundOptions, OutboundRequest } from './types.js';

/** Headers other systems use to name a request (amoCRM and most proxies: X-Request-Id). */
const REQUEST_ID_HEADERS = ['x-request-id', 'x-lognex-request-id', 'request-id'];

/**
 * One attempt: sends with a fresh request id under the timeout combined with the caller's
 * signal, reads the whole answer within the size limit, and reports the attempt (metrics and
 * `onExchange`) whatever happened. Any answer is returned, whatever its status; only "no
 * answer" throws (an OutboundFailure).
 */
export async function exchange(opts: OutboundOptions, req: OutboundRequest, attempt = 1): Promise<Answer> {
  if (req.signal?.aborted) throw new OutboundFailure('aborted', 'the caller cancelled the request');
  const sentId = randomUUID();
  const at = Date.now();
  const started = performance.now();
  const signal = attemptSignal(opts.timeoutMs, req.signal);
  let status = 0;
  let requestId: string = sentId;
  try {
    const res = await (opts.fetch ?? fetch)(req.url, {
      method: req.method,
      headers: { 'X-Request-Id': sentId, ...req.headers },
      ...(req.body === undefined ? {} : { body: req.body }),
      signal,
    });
    status = res.status;
    requestId = REQUEST_ID_HEADERS.map((h) => res.headers.get(h)).find(Boolean) ?? sentId;
    const text = await readText(res, opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    const latencyMs = performance.now() - started;
    opts.metrics?.attempt(req.method, res.status, latencyMs);
    return { status: res.status, ok: res.ok, headers: res.headers, text, requestId, latencyMs };
  } catch (err) {
    if (status === 0) opts.metrics?.attempt(req.method, 'network', performance.now() - started);
    throw failureOf(err, req.signal, opts.timeoutMs, status !== 0);
  } finally {
    report(opts, req, { at, attempt, status, requestId, latencyMs: performance.now() - started });
  }
}

function failureOf(err: unknown, caller: AbortSignal | undefined, timeoutMs: number, answered: boolean) {
  if (err instanceof OutboundFailure) return err;
  if (caller?.aborted) return new OutboundFailure('aborted', 'the caller cancelled the request');
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError' || name === 'AbortError')
    return new OutboundFailure('timeout', `no answer within ${timeoutMs} ms`);
  if (answered) return new OutboundFailure('broken', 'the answer broke off');
  return new OutboundFailure('network', describeNetworkError(err));
}

function report(
  opts: OutboundOptions,
  req: OutboundRequest,
  r: { at: number; attempt: number; status: number; requestId: string; latencyMs: number },
) {
  countOutgoing();
  if (!opts.onExchange) return;
  try {
    opts.onExchange(
      attributed({
        at: r.at,
        direction: 'out',
        system: opts.system,
        accountId: opts.accountId,
        method: req.method,
        // Never the query string: some ERPs take keys there, and filters carry personal data.
        path: new URL(req.url).pathname,
        status: r.status,
        latencyMs: Math.round(r.latencyMs),
        attempt: r.attempt,
        requestId: r.requestId,
      }),
    );
  } catch {
    // An observer's bug must not fail the call it observes.
  }
}
