import { ErpError } from '../connector.js';

/** Reads `{"odata.error": {"code", "message": {"value"}}}`; web servers in front of 1C answer HTML instead. */
export function odataErrorText(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { 'odata.error'?: { code?: unknown; message?: { value?: unknown } } };
    const err = parsed['odata.error'];
    if (!err) return null;
    const value = typeof err.message?.value === 'string' ? err.message.value : '';
    return err.code === undefined ? value : `${value} (1C code ${String(err.code)})`;
  } catch {
    return null;
  }
}

/** HTTP status -> the error a job can act on: only 5xx, 429 and timeouts are worth retrying. */
export function errorFromResponse(
  status: number,
  body: string,
  what: string,
  retryAfterMs?: number,
): ErpError {
  const detail = odataErrorText(body) ?? (body.trim().replace(/\s+/g, ' ').slice(0, 200) || `HTTP ${status}`);
  const message = `1C ${what}: HTTP ${status}: ${detail}`;
  if (status === 401) return new ErpError('auth', message);
  if (status === 403) return new ErpError('forbidden', message);
  if (status === 404) return new ErpError('not_found', message);
  if (status === 409) return new ErpError('conflict', message);
  if (status === 429) return new ErpError('rate_limited', message, true, retryAfterMs);
  if (status >= 500) return new ErpError('unavailable', message, true, retryAfterMs);
  return new ErpError('validation', message);
}
