import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { isMain, startTarget } from './lib/child.js';
import type { Bench } from './lib/report.js';
import { runAlone } from './lib/run.js';
import { disposableTokenSigner } from './lib/tokens.js';
import { CONNECTIONS } from './lib/widget-load.js';
import type { StackInfo } from './targets/stack-server.js';

const ROUTE = '/api/v1/leads/1001/stock';

/** One young or old collection, as V8's --trace-gc-nvp prints it. */
interface Collection {
  kind: string;
  pauseMs: number;
  before: number;
  after: number;
  survived: number;
  promoted: number;
}

function parseCollection(line: string): Collection | undefined {
  const kind = / gc=(\w+)/.exec(line)?.[1];
  if (!kind) return undefined;
  const field = (name: string) => Number(new RegExp(` ${name}=([0-9.]+)`).exec(line)?.[1] ?? Number.NaN);
  return {
    kind,
    pauseMs: field('pause'),
    before: field('total_size_before'),
    after: field('total_size_after'),
    survived: field('new_space_survived'),
    promoted: field('promoted'),
  };
}

interface Server {
  url: string;
  sign: () => string;
  collections: Collection[];
  close(): Promise<void>;
}

/** `amount` requests at 64 connections, each with a fresh token. */
async function send(s: Server, amount: number) {
  const tokens = Array.from({ length: amount + CONNECTIONS }, s.sign);
  let i = 0;
  const r = await autocannon({
    url: `${s.url}${ROUTE}`,
    connections: CONNECTIONS,
    amount,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({
          ...req,
          headers: { ...req.headers, 'X-Auth-Token': tokens[i++] ?? s.sign() },
        }),
      },
    ],
  });
  return r['2xx'];
}

/** Heap work per request over `amount` requests, after as many of warm-up. */
async function measure(s: Server, amount: number) {
  await send(s, amount);
  const from = s.collections.length;
  const ok = await send(s, amount);
  const during = s.collections.slice(from);
  // Allocated between collections: what the heap grew by since the previous one ended.
  let allocated = 0;
  let previousAfter = s.collections[from - 1]?.after ?? during[0]?.before ?? 0;
  for (const c of during) {
    allocated += Math.max(0, c.before - previousAfter);
    previousAfter = c.after;
  }
  const young = during.filter((c) => c.kind === 's');
  const sum = (f: (c: Collection) => number) => young.reduce((n, c) => n + f(c), 0);
  return {
    ok,
    allocatedKb: allocated / ok / 1024,
    youngPer1k: (1000 * young.length) / ok,
    survivedB: sum((c) => c.survived) / ok,
    promotedB: sum((c) => c.promoted) / ok,
    oldCollections: during.length - young.length,
  };
}

async function startServer(
  file: string,
  env: Record<string, string>,
  info: (i: never) => Omit<Server, 'collections' | 'close'>,
): Promise<Server> {
  const collections: Collection[] = [];
  const target = await startTarget<never>(file, {
    env,
    nodeArgs: ['--trace-gc-nvp'],
    readyTimeoutMs: 180_000,
    onOtherLine: (line) => {
      const c = parseCollection(line);
      if (c) collections.push(c);
    },
  });
  return { ...info(target.info), collections, close: () => target.close() };
}

const bench: Bench = {
  name: 'gc-per-request',
  title: `heap work per widget read at ${CONNECTIONS} connections vs the minimal Hono + jose route (V8's GC trace)`,
  async run(ctx, out) {
    const amount = ctx.quick ? 10_000 : 40_000;
    const secret = 'bench-baseline-client-secret-0123456789';
    const subjects: [string, () => Promise<Server>, (() => void)?][] = [
      [
        'minimal Hono route (jose HS256 verify → JSON)',
        () =>
          startServer(
            'scripts/bench/targets/baseline-server.ts',
            { BASELINE_SECRET: secret, BASELINE_AUDIENCE: 'http://127.0.0.1' },
            (i: { url: string }) => ({
              url: i.url,
              sign: disposableTokenSigner(secret, {
                iss: 'https://bench.amocrm.ru',
                aud: 'http://127.0.0.1',
                account_id: 1,
              }),
            }),
          ),
      ],
    ];
    const ours = (env: Record<string, string>) => () =>
      startServer('scripts/bench/targets/stack-server.ts', env, (i: StackInfo) => ({
        url: i.backend,
        sign: disposableTokenSigner(i.secret, {
          iss: `https://${i.subdomain}.amocrm.ru`,
          aud: i.backend,
          account_id: i.accountId,
        }),
      }));
    const dataDir = mkdtempSync(join(tmpdir(), 'erpb-bench-gc-'));
    subjects.push([
      `our ${ROUTE}, PGlite, warm cache`,
      ours({ BENCH_STACK: JSON.stringify({ env: { DATA_DIR: dataDir } }) }),
    ]);
    if (ctx.postgresUrl)
      subjects.push([
        `our ${ROUTE}, PostgreSQL, warm cache`,
        ours({ BENCH_STACK: '{}', BENCH_POSTGRES: ctx.postgresUrl }),
      ]);
    try {
      for (const [label, start] of subjects) {
        ctx.log(`${label}: ${amount} requests after ${amount} of warm-up`);
        const server = await start();
        try {
          const m = await measure(server, amount);
          out.rows.push({
            metric: label,
            value:
              `${m.allocatedKb.toFixed(1)} KB allocated a request; ${m.youngPer1k.toFixed(2)} young collections per 1,000; ` +
              `${m.survivedB.toFixed(0)} B survived and ${m.promotedB.toFixed(0)} B promoted a request; ` +
              `${m.oldCollections} old-generation collections in ${m.ok} requests`,
          });
        } finally {
          await server.close();
        }
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    out.notes.push(
      'Counts, not timings: what a request allocates and keeps alive does not change with the ' +
        "machine's speed. Young-collection pauses grow with what survives them (the requests in " +
        'flight); promoted bytes are what later costs old-generation collections, the tail of the ' +
        'closed loop (docs/performance.md, session 11).',
    );
  },
};

export default bench;
if (isMain(import.meta.url)) await runAlone(bench);
