import type { ExchangeObserver, ExchangeRecord } from '../lib/exchange.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Counts and times every attempt; the owner decides the metric names and labels. */
export interface OutboundMetrics {
  attempt(method: string, status: number | 'network', latencyMs: number): void;
}

/** How one remote system is reached: fixed when a client is built, the same for every call. */
export interface OutboundOptions {
  system: ExchangeRecord['system'];
  fetch?: FetchLike;
  /** Per attempt; combined with the caller's signal. */
  timeoutMs: number;
  /** Answers larger than this are refused (a runaway export, a proxy's endless page). */
  maxBodyBytes?: number;
  accountId?: number;
  /** Called once per attempt, success or not. Must not throw. */
  onExchange?: ExchangeObserver;
  metrics?: OutboundMetrics;
}

export interface OutboundRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** The caller's cancellation: no attempt (and no retry) for a caller that has gone. */
  signal?: AbortSignal;
}

/** A complete answer, whatever its status: classifying it is the vendor's business. */
export interface Answer {
  status: number;
  ok: boolean;
  headers: Headers;
  text: string;
  /** The id the other side gave the request, else the one we sent. */
  requestId: string;
  latencyMs: number;
}
