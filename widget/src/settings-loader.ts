import type { SettingsChunkProps } from './settings/chunk.js';

/** What settings.js (src/settings/chunk.ts) gives back. */
export interface SettingsChunk {
  mountSettings(root: Element, props: SettingsChunkProps): () => void;
}

type RequireJs = (
  deps: string[],
  onLoad: (mod: SettingsChunk) => void,
  onError: (err: unknown) => void,
) => void;

let loading: Promise<SettingsChunk> | null = null;

/**
 * Loads the settings page's own file through the host's RequireJS (amoCRM loads script.js with it,
 * and the marketplace asks for dependencies through it, never injected script tags). The URL
 * starts with the widget's path, so RequireJS takes it as a URL, not a module name; `?v=` because
 * amoCRM's widget files are cached hard. A failed load is not remembered: Retry asks again.
 */
export function loadSettingsChunk(
  path: string | undefined,
  version: string | undefined,
): Promise<SettingsChunk> {
  if (loading) return loading;
  const req = (globalThis as { require?: unknown }).require;
  if (!path || typeof req !== 'function') return Promise.reject(new Error('no RequireJS or widget path'));
  const url = `${path.replace(/\/+$/, '')}/settings.js?v=${encodeURIComponent(version ?? '')}`;
  const attempt = new Promise<SettingsChunk>((resolve, reject) => (req as RequireJs)([url], resolve, reject));
  loading = attempt;
  // Forgotten after it settles as a failure (RequireJS may call back before this line).
  attempt.catch(() => {
    if (loading === attempt) loading = null;
  });
  return attempt;
}
