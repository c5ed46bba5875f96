import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, TEST_SECRET } from '../support/stack.js';
import { signDisposableToken } from '../support/tokens.js';

const ACCOUNT = 31000001;
let stack: Stack;
let nextMissing = 900_000_000;

const stockUrl = (leadId: number) => `${stack.backend}/api/v1/leads/${leadId}/stock`;
const token = (userId: number) =>
  signDisposableToken(TEST_SECRET, {
    iss: 'https://erpbridgedemo.amocrm.ru',
    aud: stack.backend,
    account_id: ACCOUNT,
    user_id: userId,
  });
const readStock = async (leadId: number, userId: number | string, signal?: AbortSignal) =>
  fetch(stockUrl(leadId), {
    headers: { 'X-Auth-Token': typeof userId === 'string' ? userId : await token(userId) },
    signal,
  });

/** GETs of single leads amoCRM received at or after `from` (epoch ms). */
const leadReadsSince = (from: number) =>
  stack.emulator.calls.filter(
    (c) => c.method === 'GET' && /^\/api\/v4\/leads\/\d+$/.test(c.path) && c.at >= from,
  );

beforeAll(async () => {
  stack = await startStack({ emulator: { rateLimitPerSecond: 7, latencyMs: 50 } });
  await stack.server.services.accountSettings.update(ACCOUNT, {
    guard: { enabled: true, gatedStages: [{ pipelineId: 8001, statusId: 80013 }] },
  });
});
afterAll(() => stack?.close());

describe("widget reads cannot drain the account's amoCRM budget", () => {
  it('remembers a missing deal briefly: the second read answers 404 without asking amoCRM', async () => {
    const id = nextMissing++;
    const from = Date.now();
    expect((await readStock(id, 11)).status).toBe(404);
    const again = await readStock(id, 11);
    expect(again.status).toBe(404);
    expect((await again.json()).code).toBe('amocrm.lead_not_found');
    expect(leadReadsSince(from).filter((c) => c.path.endsWith(`/${id}`))).toHaveLength(1);
  });

  it('caps the reads one user has in flight: 429 request.rate_limited past the cap', async () => {
    const tokens = await Promise.all(Array.from({ length: 12 }, () => token(12)));
    const answers = await Promise.all(tokens.map((t) => readStock(nextMissing++, t)));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(answers.length - limited.length).toBeGreaterThanOrEqual(6);
    expect((await (limited[0] as Response).json()).code).toBe('request.rate_limited');
  });

  it('64 abandoned card reads for missing deals stop calling amoCRM; guard enforcement goes ahead meanwhile', async () => {
    const inst = await stack.server.services.installations.findActive(ACCOUNT);
    if (!inst) throw new Error('not installed');
    const controllers: AbortController[] = [];
    const reads: Promise<unknown>[] = [];
    // 64 managers (one read each, so no per-user cap applies), three rounds: ~190 reads queued.
    const tokens = await Promise.all(Array.from({ length: 192 }, (_, i) => token(1000 + (i % 64))));
    for (const t of tokens) {
      const controller = new AbortController();
      controllers.push(controller);
      reads.push(readStock(nextMissing++, t, controller.signal).catch(() => null));
    }
    await new Promise((r) => setTimeout(r, 400));

    // The guard re-reads and decides on a real deal while the cards' reads fill amoCRM's queue.
    const started = performance.now();
    const record = await stack.server.services.guard.checkNow(inst, 1001);
    const guardMs = performance.now() - started;
    expect(record).not.toBeNull();
    // Behind ~190 queued reads at 7 rps the guard would wait > 25 s; its reserved share keeps it short.
    expect(guardMs).toBeLessThan(5000);

    for (const c of controllers) c.abort();
    await Promise.all(reads);
    const abandonedAt = Date.now();
    await new Promise((r) => setTimeout(r, 2500));
    // Before: ~190 queued reads kept going out at the widget's pace for half a minute. Now nothing new
    // starts; a read admitted just before the abort may still land (at most a couple).
    const late = leadReadsSince(abandonedAt + 300);
    expect(late.length).toBeLessThanOrEqual(2);
  });
});
