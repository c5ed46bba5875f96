import { randomBytes } from 'node:crypto';
import { serveCommands, startTarget } from './lib/child.js';
import { createHttpClient, pool } from './lib/http.js';
import { type BenchContext, type Row, sleep } from './lib/report.js';
import { disposableTokenSigner } from './lib/tokens.js';
import type { StackInfo } from './targets/stack-server.js';

/**
 * Part one of `pnpm bench hostile`: RSS and retained heap of the backend before and after 50k
 * random 8 KB hook keys and 20k random customer ids. This file is also the target process
 * (HOSTILE_TARGET=1): it can force a GC before reading the heap.
 */
const MB = 1024 * 1024;
export const ACCOUNT_ISS = (subdomain: string) => `https://${subdomain}.amocrm.ru`;

interface Memory {
  rss: number;
  heapUsed: number;
}

export async function memoryUnderHostileKeys(ctx: BenchContext, out: { rows: Row[]; notes: string[] }) {
  const hookKeys = ctx.quick ? 10_000 : 50_000;
  const customerIds = ctx.quick ? 4_000 : 20_000;
  // This same file is the target (HOSTILE_TARGET=1): it can force a GC before reading the heap.
  const target = await startTarget<StackInfo>('scripts/bench/hostile-memory.ts', {
    env: { HOSTILE_TARGET: '1', BENCH_STACK: JSON.stringify({ emulator: { autoDeliverWebhooks: false } }) },
    nodeArgs: ['--expose-gc'],
  });
  const http = createHttpClient(target.info.backend, 64);
  try {
    const memory = () => target.call<Memory>('memory');
    const sign = disposableTokenSigner(target.info.secret, {
      iss: ACCOUNT_ISS(target.info.subdomain),
      aud: target.info.backend,
      account_id: target.info.accountId,
    });
    const hook = (key: string) =>
      http.send(
        'POST',
        `/webhooks/amocrm/${key}`,
        { 'content-type': 'application/x-www-form-urlencoded' },
        `account[id]=${target.info.accountId}`,
      );
    const choose = (customerId: string) =>
      http.send(
        'POST',
        '/api/v1/contacts/2001/customer',
        { 'content-type': 'application/json', 'x-auth-token': sign() },
        JSON.stringify({ customerId }),
      );
    // Warm-up: code paths compiled, pools filled, so what follows measures what is kept.
    await pool(500, 32, () => hook(randomBytes(24).toString('base64url')));
    await pool(300, 32, () => choose(randomBytes(30).toString('base64url')));
    const before = await memory();
    ctx.log(`before: rss ${(before.rss / MB).toFixed(1)} MB, heap ${(before.heapUsed / MB).toFixed(1)} MB`);

    const started = performance.now();
    const hookStatuses = countStatuses(
      await pool(hookKeys, 64, (i) =>
        // One in ten is shaped like a real key (a database miss), the rest are 8 KB of noise.
        hook(
          i % 10 === 0 ? randomBytes(24).toString('base64url') : randomBytes(6 * 1024).toString('base64url'),
        ),
      ),
    );
    const hookSeconds = (performance.now() - started) / 1000;
    const afterHooks = await memory();
    ctx.log(
      `after ${hookKeys} hook keys: rss ${(afterHooks.rss / MB).toFixed(1)} MB, heap ${(afterHooks.heapUsed / MB).toFixed(1)} MB`,
    );

    const started2 = performance.now();
    const idStatuses = countStatuses(
      await pool(customerIds, 32, () => choose(randomBytes(70).toString('base64url'))),
    );
    const idSeconds = (performance.now() - started2) / 1000;
    const after = await memory();
    ctx.log(
      `after ${customerIds} customer ids: rss ${(after.rss / MB).toFixed(1)} MB, heap ${(after.heapUsed / MB).toFixed(1)} MB`,
    );

    const growth = (a: Memory, b: Memory) =>
      `RSS ${(a.rss / MB).toFixed(1)} → ${(b.rss / MB).toFixed(1)} MB (${signed((b.rss - a.rss) / MB)}) · heap ${(a.heapUsed / MB).toFixed(1)} → ${(b.heapUsed / MB).toFixed(1)} MB (${signed((b.heapUsed - a.heapUsed) / MB)})`;
    out.rows.push({
      metric: `${hookKeys} random hook keys (8 KB, 1 in 10 key-shaped), ${(hookKeys / hookSeconds).toFixed(0)} req/s`,
      value: `${growth(before, afterHooks)}; answers ${hookStatuses}`,
      budget: 'growth < 30 MB (issue 9)',
      ok: afterHooks.rss - before.rss < 30 * MB && afterHooks.heapUsed - before.heapUsed < 30 * MB,
    });
    out.rows.push({
      metric: `${customerIds} random customer ids chosen in a card, ${(customerIds / idSeconds).toFixed(0)} req/s`,
      value: `${growth(afterHooks, after)}; answers ${idStatuses}`,
      budget: 'growth < 30 MB (issue 9)',
      ok: after.rss - afterHooks.rss < 30 * MB && after.heapUsed - afterHooks.heapUsed < 30 * MB,
    });
    out.notes.push(
      'Memory: the backend (PGlite, built-in stock) in a process of its own started with --expose-gc; "heap" is heapUsed right ' +
        'after a forced full GC, "RSS" is the process resident set at the same moment. Hook keys are POSTed to ' +
        '/webhooks/amocrm/<key>; customer ids through POST /api/v1/contacts/2001/customer with a fresh disposable token each ' +
        "(every token's jti is recorded, as in production). 64 / 32 keep-alive connections.",
    );
  } finally {
    http.close();
    await target.close();
  }
}

export function countStatuses(results: readonly { status: number }[]): string {
  const by: Record<string, number> = {};
  for (const r of results) by[r.status] = (by[r.status] ?? 0) + 1;
  return Object.entries(by)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
}

const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(1)} MB`;

/** Target mode: the stack, plus a command that reads memory after a full GC. */
async function serveTarget() {
  const { startStack } = await import('../../tests/support/stack.js');
  const { stackInfo } = await import('./lib/stack-info.js');
  const stack = await startStack(JSON.parse(process.env.BENCH_STACK ?? '{}'));
  const gc = (globalThis as { gc?: () => void }).gc;
  serveCommands(
    await stackInfo(stack),
    {
      async memory() {
        for (let i = 0; i < 3; i++) {
          gc?.();
          await sleep(50);
        }
        const m = process.memoryUsage();
        return { rss: m.rss, heapUsed: m.heapUsed } satisfies Memory;
      },
    },
    () => stack.close(),
  );
}

if (process.env.HOSTILE_TARGET === '1') await serveTarget();
