import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { type ApiFailure, toFailure } from '../api-client.js';
import type { Messages } from '../i18n.js';
import { IsAdmin } from './admin.js';

/** The strings every surface has for failures (each i18n section carries them). */
export type FailureMessages = Pick<
  Messages,
  | 'error'
  | 'error_network'
  | 'error_timeout'
  | 'error_status'
  | 'retry'
  | 'err_erp'
  | 'err_erp_auth'
  | 'err_erp_config'
  | 'err_auth'
  | 'err_forbidden'
  | 'err_not_found'
  | 'err_rate'
  | 'err_amocrm'
  | 'err_customer_not_found'
  | 'err_not_supported'
  | 'err_guard_disabled'
  | 'err_key_reused'
  | 'err_invoice'
  | 'err_secret_required'
  | 'err_gate_stages'
  | 'err_too_large'
  | 'err_conflict'
  | 'err_cors'
  | 'err_invalid'
  | 'details'
>;

/**
 * Problem codes (shared/src/problem.ts), exact or by family, worded in the user's language; never
 * the server's English. Checked for every code in ui/problem-wording.test.ts. `internal` and
 * codes this build does not know get the general sentence (error_status).
 */
const BY_CODE: [RegExp, keyof FailureMessages][] = [
  [/^erp\.auth_failed$/, 'err_erp_auth'],
  [/^erp\.not_configured$/, 'err_erp_config'],
  [/^erp\.customer_not_found$/, 'err_customer_not_found'],
  [/^erp\.not_supported$/, 'err_not_supported'],
  [/^erp\./, 'err_erp'],
  [/^auth\.forbidden$|^invoice\.not_allowed$/, 'err_forbidden'],
  [/^auth\./, 'err_auth'],
  [/^guard\.disabled$/, 'err_guard_disabled'],
  [/^idempotency\.key_reused$/, 'err_key_reused'],
  [/^invoice\./, 'err_invoice'],
  [/^settings\.secret_required$/, 'err_secret_required'],
  [/^settings\.gate_stages_required$/, 'err_gate_stages'],
  [/not_found$/, 'err_not_found'],
  [/rate_limited$/, 'err_rate'],
  [/^amocrm\./, 'err_amocrm'],
  [/^request\.payload_too_large$/, 'err_too_large'],
  [/^request\.conflict$/, 'err_conflict'],
  [/^request\.cors_denied$/, 'err_cors'],
  // Never read by a caller (it hung up), but worded all the same.
  [/^request\.cancelled$/, 'error_network'],
  // Only the customer section can say what is missing on the card; elsewhere it is an invalid request.
  [/^request\.|^idempotency\.|^customer\./, 'err_invalid'],
];

export function failureText(failure: ApiFailure, t: FailureMessages, fallback = t.error): string {
  switch (failure.kind) {
    case 'network':
      return t.error_network;
    case 'timeout':
      return t.error_timeout;
    case 'http': {
      const code = failure.code ?? '';
      // A code the section words itself (`err_<code>`, dots as underscores) beats its family's text.
      const own = (t as Readonly<Record<string, string>>)[`err_${code.replaceAll('.', '_')}`];
      if (code && own && own !== `err_${code.replaceAll('.', '_')}`) return own;
      const hit = BY_CODE.find(([re]) => re.test(code));
      return hit ? t[hit[1]] : t.error_status;
    }
    default:
      return fallback;
  }
}

/** Whether the backend itself did not answer (as opposed to answering with a problem). */
export const unreachable = (f: ApiFailure): boolean => f.kind === 'network' || f.kind === 'timeout';

/** The technical side of a failure (status, code, the server's detail), for an administrator. */
export function Details({ failure, t }: { failure: ApiFailure; t: FailureMessages }) {
  if (!useContext(IsAdmin)) return null;
  const parts = [failure.status ? `HTTP ${failure.status}` : failure.kind, failure.code, failure.detail];
  return (
    <details class="erpb-details">
      <summary>{t.details}</summary>
      <code>{parts.filter(Boolean).join(' · ')}</code>
    </details>
  );
}

export function ErrorBox(props: {
  failure: ApiFailure;
  t: FailureMessages;
  /** What failed (the heading of the box); `null`: no heading. */
  what?: string | null;
  /** The sentence, when the caller words this failure itself. */
  text?: string;
  onRetry?: () => void;
}) {
  const { failure, t, what, text, onRetry } = props;
  return (
    <div class="erpb-error" role="alert">
      {what !== null && <p class="erpb-error-title">{what ?? t.error}</p>}
      <p class="erpb-error-detail">{text ?? failureText(failure, t)}</p>
      {onRetry && (
        <button type="button" class="erpb-btn" onClick={onRetry}>
          {t.retry}
        </button>
      )}
      <Details failure={failure} t={t} />
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

/** The icon button that reads the data again; its name says what it does. */
export function RefreshButton({
  label,
  onClick,
  busy,
}: {
  label: string;
  onClick: () => void;
  busy?: boolean;
}) {
  return (
    <button
      type="button"
      class="erpb-icon-btn"
      onClick={onClick}
      title={label}
      aria-label={label}
      data-testid="erpb-refresh"
      aria-disabled={busy ? 'true' : undefined}
    >
      <span aria-hidden="true">↻</span>
    </button>
  );
}
