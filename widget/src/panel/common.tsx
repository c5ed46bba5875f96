import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiFailure, toFailure } from '../api-client.js';
import { fill } from '../format.js';
import type { Messages } from '../i18n.js';

/** The strings every surface has for failures (each i18n section carries them). */
export type FailureMessages = Pick<
  Messages,
  'error' | 'error_network' | 'error_timeout' | 'error_status' | 'retry'
>;

export function failureText(failure: ApiFailure, t: FailureMessages, fallback = t.error): string {
  switch (failure.kind) {
    case 'network':
      return t.error_network;
    case 'timeout':
      return t.error_timeout;
    case 'http':
      return failure.title ?? fill(t.error_status, { status: String(failure.status) });
    default:
      return fallback;
  }
}

export function ErrorBox(props: {
  failure: ApiFailure;
  t: FailureMessages;
  /** What failed, shown when the server gave no title. */
  what?: string;
  onRetry?: () => void;
}) {
  const { failure, t, what, onRetry } = props;
  return (
    <div class="erpb-error" role="alert">
      <p class="erpb-error-title">{what ?? t.error}</p>
      <p class="erpb-error-detail">{failure.detail ?? failureText(failure, t)}</p>
      {onRetry && (
        <button type="button" class="erpb-btn" onClick={onRetry}>
          {t.retry}
        </button>
      )}
    </div>
  );
}

export type Loaded<T> =
  | { kind: 'loading'; data?: T }
  | { kind: 'ok'; data: T }
  | { kind: 'error'; failure: ApiFailure; data?: T };

/**
 * Loads `load()` whenever a dependency changes; `reload()` loads again keeping the last data
 * visible (so a refresh does not flash); `set(data)` takes data another call returned. Late
 * answers after unmount or a newer load are dropped.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): [Loaded<T>, () => void, (data: T) => void] {
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  // Set by reload(): keep the data on screen; a change of deps (another card) must not show stale data.
  const keep = useRef(false);
  useEffect(() => {
    let live = true;
    const keepData = keep.current;
    keep.current = false;
    setState((s) => ({ kind: 'loading', data: keepData ? s.data : undefined }));
    load().then(
      (data) => live && setState({ kind: 'ok', data }),
      (error: unknown) =>
        live && setState((s) => ({ kind: 'error', failure: toFailure(error), data: s.data })),
    );
    return () => {
      live = false;
    };
  }, [...deps, attempt]);
  return [
    state,
    () => {
      keep.current = true;
      setAttempt((n) => n + 1);
    },
    (data) => setState({ kind: 'ok', data }),
  ];
}

export function Spinner() {
  return <span class="erpb-spinner" aria-hidden="true" />;
}
