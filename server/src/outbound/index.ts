/**
 * The one outbound HTTP core: every call erp-bridge makes to amoCRM or an ERP goes through
 * `exchange` (one attempt: timeout + caller's signal, body limit, request id, metrics,
 * `onExchange`) and `withRetries` (jittered backoff, Retry-After, abort stops at once). Vendors
 * keep only their own URLs, headers and error classification.
 */
export { DEFAULT_MAX_BODY_BYTES } from './body.js';
export { exchange } from './exchange.js';
export { type FailureKind, OutboundFailure } from './failure.js';
export { jsonOrUndefined, type Parsed, parseJson } from './json.js';
export { askedWaitMs, backoffMs, pause, type RetryDecision, withRetries } from './retry.js';
export type { Answer, FetchLike, OutboundMetrics, OutboundOptions, OutboundRequest } from './types.js';
