import { describe, expect, it } from 'vitest';
import { sleep } from './sleep.js';

describe('sleep', () => {
  it('resolves after the delay', async () => {
    const from = Date.now();
    await sleep(20);
    expect(Date.now() - from).toBeGreaterThanOrEqual(15);
  });

  it('ends at once with the reason when the signal aborts, and refuses an aborted signal', async () => {
    const ctl = new AbortController();
    const from = Date.now();
    const waiting = sleep(10_000, ctl.signal);
    setTimeout(() => ctl.abort(new Error('gone')), 10);
    await expect(waiting).rejects.toThrow('gone');
    expect(Date.now() - from).toBeLessThan(5_000);
    await expect(sleep(10, ctl.signal)).rejects.toThrow('gone');
  });
});
