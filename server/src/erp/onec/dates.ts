const LOCAL_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?$/;

function offsetMinutes(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h = '0', m = '0'] = offset.slice(1).split(':');
  return sign * (Number(h) * 60 + Number(m));
}

/** 1C writes the infobase's local time without an offset ("2026-11-12T15:10:00"); we publish ISO with it. */
export function localToIso(local: string, offset: string): string | null {
  const match = LOCAL_RE.exec(local);
  return match ? `${match[1]}${offset}` : null;
}

/** Now, in the infobase's local time, as 1C expects it in a document's Date. */
export function nowLocal(offset: string, now = Date.now()): string {
  return new Date(now + offsetMinutes(offset) * 60_000).toISOString().slice(0, 19);
}
