import { createHash } from 'node:crypto';

/** A GUID derived from a name, so seeded Ref_Keys are the same in every run (tests may print them). */
export function stableGuid(name: string): string {
  const h = createHash('sha1').update(`onec-emulator:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** 1C writes dates in the infobase's local time without an offset; the emulated infobase runs on Moscow time (UTC+3). */
export function moscowNow(now = Date.now()): string {
  return new Date(now + 3 * 3600_000).toISOString().slice(0, 19);
}
