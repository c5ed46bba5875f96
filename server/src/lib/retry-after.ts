/**
 * The three HTTP-date forms a recipient must accept (RFC 9110 §5.6.7): IMF-fixdate
 * ("Sun, 06 Nov 1994 08:49:37 GMT"), the obsolete RFC 850 form ("Sunday, 06-Nov-94 08:49:37 GMT")
 * and asctime ("Sun Nov  6 08:49:37 1994"). Checked before Date.parse, which also accepts much
 * that is not a date in HTTP (a bare "1" parses as the year 2001).
 */
const HTTP_DATE = [
  /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/**
 * Retry-After (RFC 9110 §10.2.3) as milliseconds to wait from `now`: delay-seconds or an
 * HTTP-date (a date in the past means "now", 0). Fractional seconds, which some proxies send, are
 * tolerated. Anything else (negative, garbage, absent) is undefined: the caller uses its own backoff.
 */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  if (!HTTP_DATE.some((form) => form.test(value))) return undefined;
  // asctime carries no zone: it is GMT by definition (RFC 9110 §5.6.7).
  const at = Date.parse(value.endsWith('GMT') ? value : `${value} GMT`);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
