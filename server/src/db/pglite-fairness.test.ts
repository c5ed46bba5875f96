import { describe, expect, it } from 'vitest';
import { openDatabase } from './open.js';

describe('embedded database and the event loop', () => {
  it('a chain of awaited statements lets timers and sockets run in between', async () => {
    const database = await openDatabase({ dataDir: 'memory://' });
    try {
      const client = database.pglite;
      if (!client) throw new Error('expected PGlite');
      // PGlite settles each statement in a microtask: without a yield, this chain would run to its
      // end before any timer (or a socket's data, /healthz, a hook) got a turn.
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      const t = performance.now();
      let statements = 0;
      while (performance.now() - t < 150) {
        await client.query('select 1');
        statements++;
      }
      clearInterval(timer);
      expect(statements).toBeGreaterThan(10);
      expect(ticks).toBeGreaterThan(5);
    } finally {
      await database.close();
    }
  });
});
