import { phoneKey as lastDigits } from '../phone-key.js';

/**
 * Phones and e-mails as people type them into 1C's contact information. Comparison is by digits
 * (the last 10: +7, 8 and no prefix are one Russian number) and by lower-cased address.
 */

/** Digits of a phone without an extension ("доб. 123", "ext 5", "#12"). */
export function phoneKey(text: string): string {
  return lastDigits(text.split(/доб|ext|x\s*\d|#|,|;/i)[0] ?? '');
}

/** Every e-mail address in a text (a representation may hold several, or a name around one). */
export function emailsIn(text: string): string[] {
  return (text.match(/[^\s<>,;:"']+@[^\s<>,;:"']+/g) ?? []).map((e) => e.toLowerCase());
}

/** The last digits of a phone as 1C most likely stores them contiguously ("45-67", "4567"): a narrowing hint for substringof. */
export const phoneHint = (key: string) => key.slice(-2);
