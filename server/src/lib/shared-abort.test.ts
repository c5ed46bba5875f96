import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SharedAbort, untilAborted } from './shared-abort.js';

describe('SharedAbort: shared work is cancelled only when every caller has gone', () => {
  it('aborts when the last interested caller leaves, not before', () => {
    const shared = new SharedAbort();
    const a = new AbortController();
    const b = new AbortController();
    shared.join(a.signal);
    shared.join(b.signal);
    a.abort();
    expect(shared.signal.aborted).toBe(false);
    b.abort();
    expect(shared.signal.aborted).toBe(true);
  });

  it('a caller that cannot cancel keeps the work alive', () => {
    const shared = new SharedAbort();
    const a = new AbortController();
    shared.join(a.signal);
    shared.join(undefined);
    a.abort();
    expect(shared.signal.aborted).toBe(false);
  });

  it('settled work stops listening: no listener stays on a caller signal that outlives the call', () => {
    // A keep-alive connection's signal serves thousands of reads (http/request-signal.ts).
    const connection = new AbortController();
    for (let i = 0; i < 50; i++) {
      const shared = new SharedAbort();
      shared.join(connection.signal);
      shared.settle();
    }
    expect(getEventListeners(connection.signal, 'abort')).toHaveLength(0);
  });

  it('a caller leaving after the work settled cancels nothing', () => {
    const shared = new SharedAbort();
    const a = new AbortController();
    shared.join(a.signal);
    shared.settle();
    a.abort();
    expect(shared.signal.aborted).toBe(false);
  });
});

describe('untilAborted', () => {
  it('answers with the work and removes its listener', async () => {
    const caller = new AbortController();
    await expect(untilAborted(Promise.resolve(7), caller.signal, () => new Error('gone'))).resolves.toBe(7);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('stops waiting as soon as the caller goes', async () => {
    const caller = new AbortController();
    const waiting = untilAborted(new Promise(() => {}), caller.signal, () => new Error('gone'));
    caller.abort();
    await expect(waiting).rejects.toThrow('gone');
  });
});
