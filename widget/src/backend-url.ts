/**
 * Where the widget finds its backend.
 * The build bakes PUBLIC_URL in; an admin-filled `backend_url` setting overrides it (self-hosted
 * installs, the sandbox). Local addresses are never baked: an archive pointing at localhost would
 * be useless in a real account and is rejected by the archive validator.
 */

const LOCAL_HOST = /^(localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\]|::1?)$/i;

/** Trims, drops trailing slashes, and adds https:// to a bare host an admin may have typed. */
export function normalizeBackendUrl(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  const value = raw.trim().replace(/\/+$/, '');
  if (value === '') return '';
  return /^https?:\/\//i.test(value) ? value : `https://${value}`;
}

export function isLocalUrl(url: string): boolean {
  try {
    return LOCAL_HOST.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** The origin to bake into script.js at build time: '' when PUBLIC_URL is unset, invalid or local. */
export function bakedBackendOrigin(publicUrl: string | undefined): string {
  const normalized = normalizeBackendUrl(publicUrl);
  if (normalized === '' || isLocalUrl(normalized)) return '';
  try {
    const url = new URL(normalized);
    // Keep a path prefix (reverse proxies mount the backend under one), drop query and hash.
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/** Runtime choice: the setting wins over the baked origin; '' means "not configured". */
export function resolveBackend(setting: unknown, baked: string): string {
  return normalizeBackendUrl(setting) || normalizeBackendUrl(baked);
}
