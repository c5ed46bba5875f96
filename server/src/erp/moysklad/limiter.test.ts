import { describe, expect, it } from 'vitest';
import { sleep } from '../../lib/sleep.js';
import { Limiter } from './limiter.js';

const headers = (h: Record<string, string>) => new Headers(h);

describe('Limiter', () => {
  it('never runs more than maxInFlight tasks at once', async () => {
    const limiter = new Limiter(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        limiter.run(async () => {
          peak = Math.max(peak, ++running);
          await sleep(5);
          running--;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(limiter.peak).toBe(3);
    expect(limiter.active).toBe(0);
  });

  it('frees the slot when a task throws', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 'next')).toBe('next');
  });

  it('holds new requests for X-Lognex-Reset once X-RateLimit-Remaining reaches 0', async () => {
    const limiter = new Limiter(5);
    await limiter.run(async () =>
      limiter.observe(headers({ 'X-RateLimit-Remaining': '0', 'X-Lognex-Reset': '120' })),
    );
    const started = Date.now();
    await limiter.run(async () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('holds new requests for a pause asked by a 429', async () => {
    const limiter = new Limiter(5);
    limiter.pauseFor(80);
    const started = Date.now();
    await Promise.all([limiter.run(async () => undefined), limiter.run(async () => undefined)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
  });

  it('does not send more than the remaining budget while answers are pending', async () => {
    const limiter = new Limiter(5);
    // One answer says 2 remain.
    await limiter.run(async () => limiter.observe(headers({ 'X-RateLimit-Remaining': '2' })));
    const sent: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tasks = Array.from({ length: 4 }, (_, i) =>
      limiter.run(async () => {
        sent.push(i);
        await gate;
        limiter.observe(headers({ 'X-RateLimit-Remaining': '5' }));
      }),
    );
    await sleep(20);
    expect(sent).toHaveLength(2);
    release();
    await Promise.all(tasks);
    expect(sent).toHaveLength(4);
  });
});
