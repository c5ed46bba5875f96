import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'vitest';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Heap in use after a full collection, in bytes (what is retained, not what is garbage). */
export async function retainedHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

export const MB = 1024 * 1024;

/**
 * Runs `fn(i)` for i in [0, count) with at most `concurrency` at a time. Yields to the event loop
 * now and then: calls that settle without I/O would otherwise starve every timer (the server and
 * the client share this process, and a starved keep-alive timer makes a pooled socket go stale).
 */
export async function pool(count: number, concurrency: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        if (i % 512 === 0) await new Promise((r) => setImmediate(r));
        await fn(i);
      }
    }),
  );
}

/**
 * The contract of every answer: never a 5xx, and every error is problem+json with
 * {type, title, status, detail, code} and a status matching the HTTP one.
 */
export async function expectWellFormed(res: Response, what: string): Promise<void> {
  expect(res.status, `${what}: no 5xx`).toBeLessThan(500);
  if (res.status < 400) {
    await res.arrayBuffer();
    return;
  }
  expect(res.headers.get('content-type'), `${what}: problem+json`).toBe('application/problem+json');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body, what).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status: res.status,
    detail: expect.any(String),
    code: expect.any(String),
  });
  expect(String(body.detail), `${what}: no SQL or stack in detail`).not.toMatch(
    /failed query|params:|\bselect\b.*\bfrom\b|\n\s+at\s/i,
  );
}
