import type pg from 'pg';

/** Frees a held lock. */
export type Unlock = () => Promise<void>;

/**
 * Try-locks `(space, key)` for as long as the caller works, on a connection of its own: a session
 * advisory lock, so PostgreSQL itself frees it when the holder's connection ends — a worker killed
 * with kill -9 leaves no stale lock behind, while a live one keeps it. Null when another session
 * holds it (the work is in hand elsewhere).
 */
export async function trySessionLock(pool: pg.Pool, space: number, key: number): Promise<Unlock | null> {
  const client = await pool.connect();
  // A checked-out client reports a dropped connection on itself, not on the pool: without a
  // listener a database restart while the lock is held would crash the process.
  const dropped = () => {};
  client.on('error', dropped);
  const release = (err?: unknown) => {
    client.off('error', dropped);
    client.release(err === undefined ? undefined : err instanceof Error ? err : true);
  };
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      'select pg_try_advisory_lock($1, $2) as locked',
      [space, key],
    );
    if (!rows[0]?.locked) {
      release();
      return null;
    }
  } catch (err) {
    release(err);
    throw err;
  }
  return async () => {
    try {
      await client.query('select pg_advisory_unlock($1, $2)', [space, key]);
      release();
    } catch (err) {
      // A broken connection is dropped from the pool; its lock went with it.
      release(err);
    }
  };
}
