/**
 * The journal keeps where a request went, never what it carried: no query string (ERPs take keys
 * there, amoCRM filters carry phones and names), no fragment, and any segment that looks like a
 * secret (a hook key, a token, a long random id) or personal data (an e-mail, a phone) is masked.
 */
const MAX_PATH = 200;

const EMAIL = /[^/@\s]+@[^/@\s]+/;
const PHONE = /^\+?[\d\s().-]{10,}$/;
/** A long run of letters and digits mixing both: keys, tokens, hashes (ids are short or all digits). */
const SECRETISH = /^(?=.*\d)(?=.*[a-z])[a-z0-9_-]{20,}$/i;
const JWT = /^eyJ[\w-]+\.[\w-]+/;

function maskSegment(segment: string): string {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return ':masked';
  }
  if (JWT.test(decoded) || SECRETISH.test(decoded)) return ':secret';
  if (EMAIL.test(decoded)) return ':email';
  if (PHONE.test(decoded)) return ':phone';
  return segment;
}

export function sanitizePath(raw: string): string {
  let path = raw;
  // A full URL: keep only its path (the host is the system column's business).
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      return '/';
    }
  }
  path = path.split(/[?#]/, 1)[0] ?? '/';
  const masked = path.split('/').map(maskSegment).join('/');
  return (masked || '/').slice(0, MAX_PATH);
}
