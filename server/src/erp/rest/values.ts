import { BoundedCache } from '../../lib/bounded-cache.js';
import { cleanText } from '../../lib/clean-text.js';
import { ErpError } from '../connector.js';
import type { FieldSpec } from './mapping.js';
import { type CompiledPath, compilePath, evaluate } from './path.js';

/**
 * Reading mapped fields out of ERP records. A required field that is missing or of the wrong type
 * is an invalid_response, never a guessed value: a wrong stock figure is worse than none.
 */

export interface FieldReader {
  path: CompiledPath;
  divideBy?: number | undefined;
  format: 'auto' | 'iso' | 'local' | 'epoch_s' | 'epoch_ms';
  timeZone: string;
}

// Paths and time zones come from mappings an admin saves: bounded like every cache.
const cache = new BoundedCache<CompiledPath>({ max: 2000, ttlMs: 3_600_000 });
const compiled = (p: string) => {
  const hit = cache.get(p);
  if (hit) return hit;
  const c = compilePath(p);
  cache.set(p, c);
  return c;
};

export function reader(spec: FieldSpec, defaultTimeZone: string): FieldReader {
  if (typeof spec === 'string') return { path: compiled(spec), format: 'auto', timeZone: defaultTimeZone };
  return {
    path: compiled(spec.path),
    divideBy: spec.divideBy,
    format: spec.format ?? 'auto',
    timeZone: spec.timeZone ?? defaultTimeZone,
  };
}

export class FieldError extends Error {}

/** ERPs say "no value" differently: null, absent, and Odoo's `false`. */
const isEmpty = (v: unknown) => v === undefined || v === null || v === false || v === '';

function raw(record: unknown, r: FieldReader): unknown {
  const values = evaluate(record, r.path);
  return r.path.many ? values.find((v) => !isEmpty(v)) : values[0];
}

export function readString(record: unknown, r: FieldReader, required: true): string;
export function readString(record: unknown, r: FieldReader, required: false): string | null;
export function readString(record: unknown, r: FieldReader, required: boolean): string | null {
  const v = raw(record, r);
  if (isEmpty(v)) {
    if (required) throw new FieldError(`"${r.path.source}" is missing`);
    return null;
  }
  if (typeof v === 'string') return cleanText(v);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new FieldError(`"${r.path.source}" is not a string`);
}

export function readNumber(record: unknown, r: FieldReader, required: true): number;
export function readNumber(record: unknown, r: FieldReader, required: false): number | null;
export function readNumber(record: unknown, r: FieldReader, required: boolean): number | null {
  const v = raw(record, r);
  if (v === undefined || v === null) {
    if (required) throw new FieldError(`"${r.path.source}" is missing`);
    return null;
  }
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new FieldError(`"${r.path.source}" is not a finite number`);
  return r.divideBy ? v / r.divideBy : v;
}

/** An ISO 4217 code, or null when the record has none; anything else is a malformed answer. */
export function readCurrency(record: unknown, r: FieldReader): string | null {
  const v = readString(record, r, false);
  if (v === null) return null;
  if (!/^[A-Z]{3}$/i.test(v)) throw new FieldError(`"${r.path.source}" is not an ISO 4217 currency code`);
  return v.toUpperCase();
}

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

export function readDate(record: unknown, r: FieldReader): string {
  const v = raw(record, r);
  if (isEmpty(v)) throw new FieldError(`"${r.path.source}" is missing`);
  const date = toIsoDate(v, r.format, r.timeZone);
  if (date === null) throw new FieldError(`"${r.path.source}" is not a date this mapping understands`);
  return date;
}

/** ISO 8601 with offset. Naive date-times are read in `timeZone` and written with its offset. */
export function toIsoDate(v: unknown, format: FieldReader['format'], timeZone: string): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) {
    if (format !== 'auto' && format !== 'epoch_s' && format !== 'epoch_ms') return null;
    const ms = format === 'epoch_ms' || (format === 'auto' && Math.abs(v) >= 1e11) ? v : v * 1000;
    return formatInZone(ms, timeZone);
  }
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if ((format === 'auto' || format === 'iso') && WITH_OFFSET.test(s)) {
    return Number.isNaN(Date.parse(s)) ? null : s;
  }
  if (format === 'auto' || format === 'local') {
    const m = NAIVE.exec(s);
    if (!m) return null;
    const [y, mo, d, h = '0', mi = '0', sec = '0', frac = ''] = m.slice(1);
    const ms = Number(frac.padEnd(3, '0').slice(0, 3));
    const utc = zonedToUtc(
      [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec), ms],
      timeZone,
    );
    return Number.isNaN(utc) ? null : formatInZone(utc, timeZone);
  }
  return null;
}

const formatters = new BoundedCache<Intl.DateTimeFormat>({ max: 200, ttlMs: 3_600_000 });
function wallClock(utcMs: number, timeZone: string): number[] {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
  return ['year', 'month', 'day', 'hour', 'minute', 'second'].map((k) => Number(parts[k]));
}

/** Offset of `timeZone` from UTC at an instant, in ms (Moscow: +3 h). */
function offsetAt(utcMs: number, timeZone: string): number {
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = wallClock(utcMs, timeZone);
  const wholeSecond = Math.floor(utcMs / 1000) * 1000;
  return Date.UTC(y, mo - 1, d, h, mi, s) - wholeSecond;
}

function zonedToUtc([y, mo, d, h, mi, s, ms]: number[], timeZone: string): number {
  const asUtc = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0, ms ?? 0);
  const first = asUtc - offsetAt(asUtc, timeZone);
  // Across a DST change the offset at the guess and at the answer differ: trust the answer's.
  const second = asUtc - offsetAt(first, timeZone);
  return second;
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

export function formatInZone(utcMs: number, timeZone: string): string {
  const offset = offsetAt(utcMs, timeZone);
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = wallClock(utcMs, timeZone);
  const ms = ((utcMs % 1000) + 1000) % 1000;
  const minutes = Math.round(offset / 60000);
  const sign = minutes < 0 ? '-' : '+';
  const frac = ms ? `.${pad(ms, 3)}` : '';
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${frac}${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/** A field error turned into the connector's error, naming the operation. */
export function invalid(operation: string, detail: string): ErpError {
  return new ErpError('invalid_response', `${operation}: unexpected answer: ${detail}`);
}
