import { z } from 'zod';

/**
 * The one check every external string passes before it reaches the database or an ERP: no NUL
 * (PostgreSQL text and jsonb cannot hold it) and well-formed UTF-16 (no unpaired surrogate, which
 * cannot be encoded as UTF-8). Bad text is the sender's error, answered with a 4xx.
 */
export function isCleanText(s: string): boolean {
  return !s.includes('\u0000') && (s as unknown as WellFormed).isWellFormed();
}

/** String.prototype.isWellFormed (Node 20+; ES2024, newer than the lib this project compiles with). */
interface WellFormed {
  isWellFormed(): boolean;
}

/**
 * The path (dotted; '' for `value` itself) of the first string in `value`, keys included, that is
 * not clean text, or null when every string is. Depth-limited: a body nested deeper is refused too.
 */
export function findUncleanText(value: unknown, maxDepth = 64): string | null {
  const walk = (v: unknown, path: string, depth: number): string | null => {
    if (typeof v === 'string') return isCleanText(v) ? null : path;
    if (v === null || typeof v !== 'object') return null;
    if (depth > maxDepth) return path;
    for (const [k, child] of Object.entries(v)) {
      const at = path ? `${path}.${k}` : k;
      if (!isCleanText(k)) return at;
      const bad = walk(child, at, depth + 1);
      if (bad !== null) return bad;
    }
    return null;
  };
  return walk(value, '', 0);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes as text when they are valid UTF-8, else null. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Percent-decoding that refuses what cannot be text: a malformed escape or bytes that are not
 * UTF-8 (decodeURIComponent throws on both). `plus` decodes '+' as a space (forms).
 */
export function decodeComponent(s: string, plus = false): string | null {
  try {
    return decodeURIComponent(plus ? s.replaceAll('+', ' ') : s);
  } catch {
    return null;
  }
}

/** Whether every key and value of a form-encoded (or query) string decodes to clean text. */
export function isCleanFormText(s: string): boolean {
  if (!isCleanText(s)) return false;
  for (const pair of s.split('&')) {
    const decoded = decodeComponent(pair, true);
    if (decoded === null || !isCleanText(decoded)) return false;
  }
  return true;
}

/** Control characters no text field carries: C0 except tab, line feed and carriage return; DEL; C1. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** String.prototype.toWellFormed (Node 20+; ES2024): every unpaired surrogate becomes U+FFFD. */
interface ToWellFormed {
  toWellFormed(): string;
}

/**
 * Text received from a system we do not control (an ERP's or amoCRM's answer) made safe to show,
 * store and write back: NUL and other control characters dropped, unpaired surrogates replaced by
 * U+FFFD. Unlike a request from a user, such an answer is not refused for it: a product called
 * "Дрель\u0000" is still the drill, and one bad name must not cost the whole panel.
 */
export function cleanText(s: string): string {
  const formed = (s as unknown as WellFormed).isWellFormed()
    ? s
    : (s as unknown as ToWellFormed).toWellFormed();
  return formed.replace(CONTROL, '');
}

/**
 * A zod string that cleans itself (cleanText) while it is parsed: use it for every text field of
 * an answer schema at the edge (connectors, amoCRM client). Chains like z.string() (.min, .optional).
 */
export const cleanString = () => z.string().overwrite(cleanText);
