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

/**
 * A segment no rule below can match, told without decoding or a regex: shorter than a phone (10),
 * nothing encoded, no '@', not a JWT's start. Most segments are (api, v4, leads, 1001, stock).
 */
const plain = (s: string) => s.length < 10 && !s.includes('%') && !s.includes('@') && !s.startsWith('eyJ');

function maskSegment(segment: string): string {
  if (plain(segment)) return segment;
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
  const end = path.search(/[?#]/);
  if (end >= 0) path = path.slice(0, end);
  const masked = path.split('/').map(maskSegment).join('/');
  return (masked || '/').slice(0, MAX_PATH);
}
