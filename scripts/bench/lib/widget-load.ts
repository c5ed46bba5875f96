import autocannon from 'autocannon';
import { cpuMsOf } from './child.js';
import { createHttpClient, paced } from './http.js';
import { percentile } from './report.js';
import { tokenSupply } from './tokens.js';

/** The widget-api bench's load shapes: closed-loop rounds at 64 connections, and an open loop. */
export const CONNECTIONS = 64;

export interface Load {
  rps: number;
  ok: number;
  /** Answers other than the expected status, timeouts, socket errors. */
  bad: number;
  p50: number;
  p99: number;
  /** Server CPU time per answered request, µs (user + system, from /proc). */
  cpuUs: number;
  /** Of which the event loop's thread; the rest is the embedded engine's thread, GC and compiler threads. */
  loopCpuUs: number;
}

/** One server under test: how to reach it, what it must answer, and its rounds so far. */
export interface Subject {
  key: string;
  label: string;
  url: string;
  path: string;
  okStatus: number;
  pid: number;
  sign: () => string;
  next: () => string;
  rounds: Load[];
  /** The rate of its last closed-loop load, warm-up included (sizes the next round's tokens). */
  lastRps?: number;
  rss(): number | undefined;
  idleRss?: number;
  peakRss: number;
  close(): Promise<void>;
  profileSummary(): string | undefined;
  /** amoCRM API calls the emulator answered since `since` (epoch ms): a warm cache makes none. */
  amoCalls?(since: number): Promise<number>;
}

/** autocannon at 64 connections, every request with a fresh token (the replay store sees a new jti). */
export async function load(s: Subject, seconds: number): Promise<Load> {
  // Tokens signed ahead for what this round will likely take (signing during the round would slow
  // the load generator, which shares this process's event loop and the machine's two cores). The
  // warm-up's rate counts too: sized from a floor of 4,000 req/s, a first round at 8,000 signed
  // a third of its tokens while it was measured, and its p99 was 2-4 ms worse than the rounds after.
  const expected = Math.max(...s.rounds.map((l) => l.rps), s.lastRps ?? 0, 4000);
  s.next = tokenSupply(s.sign, Math.ceil(1.5 * expected * seconds));
  const cpu0 = cpuMsOf(s.pid) ?? Number.NaN;
  const loop0 = cpuMsOf(s.pid, s.pid) ?? Number.NaN;
  const sampler = setInterval(() => {
    s.peakRss = Math.max(s.peakRss, s.rss() ?? 0);
  }, 200);
  const r = await autocannon({
    url: `${s.url}${s.path}`,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'X-Auth-Token': s.next() } }),
      },
    ],
  });
  clearInterval(sampler);
  const ok = s.okStatus === 404 ? r['4xx'] : r['2xx'];
  s.lastRps = ok / r.duration;
  const all = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];
  return {
    rps: ok / r.duration,
    ok,
    bad: all - ok + r.timeouts + r.errors,
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpuUs: ok ? (1000 * ((cpuMsOf(s.pid) ?? Number.NaN) - cpu0)) / ok : Number.NaN,
    loopCpuUs: ok ? (1000 * ((cpuMsOf(s.pid, s.pid) ?? Number.NaN) - loop0)) / ok : Number.NaN,
  };
}

/**
 * An open loop at `rate` req/s over at most 64 sockets for `seconds`: each request leaves on
 * schedule whether or not earlier ones answered, so the p99 counts the queueing a steady load
 * causes and nothing else.
 */
export async function pacedLoad(s: Subject, seconds: number, rate: number) {
  const total = Math.round(rate * seconds);
  const tokens = Array.from({ length: total }, s.sign);
  const http = createHttpClient(s.url, CONNECTIONS);
  const started = performance.now();
  const { results, worstLagMs } = await paced(total, rate, (i) =>
    http
      .send('GET', s.path, { 'X-Auth-Token': tokens[i] as string }, undefined, 10_000)
      .catch(() => ({ status: 0, ms: Number.NaN, body: '' })),
  );
  const elapsed = (performance.now() - started) / 1000;
  http.close();
  const ok = results.filter((r) => r.status === s.okStatus);
  const times = ok.map((r) => r.ms).sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    rps: ok.length / elapsed,
    bad: results.length - ok.length,
    worstLagMs,
  };
}
