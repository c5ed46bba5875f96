import type { StockReport } from '@erp-bridge/shared';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { type ApiFailure, toFailure } from '../api-client.js';
import { fill, formatAge, formatDateTime, formatMoney, linesTotal } from '../format.js';
import type { Messages } from '../i18n.js';
import { ErrorBox, RefreshButton, unreachable } from '../ui/common.js';
import { StockLines } from './StockLines.js';
import { initialState, type PanelState, stateFromReport } from './state.js';

export interface LeadStockPanelProps {
  leadId: number;
  /** '' when no backend origin is known: the panel says so instead of calling anything. */
  backend: string;
  loadStock: (leadId: number, refresh?: boolean) => Promise<StockReport>;
  messages: Messages;
  /** BCP 47 locale for numbers, money and dates. */
  locale: string;
  /** Told every state change, before paint (the host mirrors it on its mount element). */
  onStateChange?: (kind: PanelState['kind']) => void;
  /** Told when the backend did not answer at all: the deal panel then shows one message for all. */
  onUnreachable?: (failure: ApiFailure) => void;
  /** Told every report (the invoice part warns while the figures are stale). */
  onReport?: (report: StockReport) => void;
  /** Changing it loads the report again (after "Check again"). */
  reload?: number;
  /** Take keyboard focus when mounted (after Retry replaced the panel-level message). */
  autoFocus?: boolean;
}

/** Loads the lead's stock report and shows it; ↻ makes the backend read the ERP again. */
export function LeadStockPanel(props: LeadStockPanelProps) {
  const {
    leadId,
    backend,
    loadStock,
    messages,
    locale,
    onStateChange,
    onUnreachable,
    onReport,
    reload,
    autoFocus,
  } = props;
  const [state, setState] = useState<PanelState>(() => initialState(backend, leadId));
  const [attempt, setAttempt] = useState(0);
  const refresh = useRef(false);
  useEffect(() => {
    const first = initialState(backend, leadId);
    const fresh = refresh.current;
    refresh.current = false;
    // A refresh keeps the figures on screen (the status line says it is reading); a new card does not.
    setState((s) =>
      fresh && (s.kind === 'data' || s.kind === 'empty') ? { ...s, refreshing: true } : first,
    );
    if (first.kind !== 'loading') return;
    // The card can change (or the panel unmount) before the answer comes: drop late answers.
    let live = true;
    loadStock(leadId, fresh).then(
      (report) => {
        if (!live) return;
        onReport?.(report);
        setState(stateFromReport(report));
      },
      (error: unknown) => {
        if (!live) return;
        const failure = toFailure(error);
        if (unreachable(failure)) onUnreachable?.(failure);
        setState({ kind: 'error', failure });
      },
    );
    return () => {
      live = false;
    };
  }, [backend, leadId, loadStock, attempt, reload]);

  useLayoutEffect(() => onStateChange?.(state.kind), [state.kind, onStateChange]);

  return (
    <LeadStockView
      state={state}
      messages={messages}
      locale={locale}
      autoFocus={autoFocus}
      onReload={(fresh) => {
        refresh.current = fresh;
        setAttempt((n) => n + 1);
      }}
    />
  );
}

export interface LeadStockViewProps {
  state: PanelState;
  messages: Messages;
  locale: string;
  /** `fresh`: read the ERP again (↻), not only the backend. */
  onReload: (fresh: boolean) => void;
  /** For tests and screenshots: the clock the age is measured against. */
  now?: number;
  autoFocus?: boolean;
}

/** Pure rendering of one panel state. */
export function LeadStockView({ state, messages: t, locale, onReload, now, autoFocus }: LeadStockViewProps) {
  const root = useRef<HTMLElement>(null);
  useEffect(() => {
    if (autoFocus) root.current?.focus();
  }, []);
  // The button the user pressed may disappear while loading; keep keyboard focus inside the panel.
  const reload = (fresh: boolean) => {
    if (!root.current?.contains(document.activeElement)) root.current?.focus();
    onReload(fresh);
  };
  return (
    <section
      ref={root}
      class="erpb-panel"
      data-state={state.kind}
      aria-busy={state.kind === 'loading'}
      aria-labelledby="erpb-stock-title"
      tabIndex={-1}
    >
      {renderBody(state, t, locale, reload, now)}
    </section>
  );
}

function Title({ t }: { t: Messages }) {
  return (
    <h3 class="erpb-title" id="erpb-stock-title">
      {t.title}
    </h3>
  );
}

function renderBody(
  state: PanelState,
  t: Messages,
  locale: string,
  reload: (fresh: boolean) => void,
  now?: number,
) {
  switch (state.kind) {
    case 'not-configured':
      return (
        <>
          <Title t={t} />
          <p class="erpb-msg erpb-msg--warn">{t.not_configured}</p>
        </>
      );
    case 'unsaved':
      return (
        <>
          <Title t={t} />
          <p class="erpb-msg">{t.unsaved_card}</p>
        </>
      );
    case 'loading':
      return (
        <>
          <Title t={t} />
          <Skeleton label={t.loading} />
        </>
      );
    case 'error':
      return (
        <>
          <Title t={t} />
          <ErrorBox failure={state.failure} t={t} onRetry={() => reload(false)} />
        </>
      );
    case 'empty':
    case 'data':
      return <Report state={state} t={t} locale={locale} reload={reload} now={now} />;
  }
}

function Skeleton({ label }: { label: string }) {
  return (
    <div class="erpb-skeleton" role="status">
      <span class="erpb-sr">{label}</span>
      <span class="erpb-skel erpb-skel--head" />
      <span class="erpb-skel" />
      <span class="erpb-skel erpb-skel--short" />
    </div>
  );
}

const SUMMARY = {
  ok: 'summary_ok',
  short: 'summary_short',
  unknown: 'summary_unknown',
  empty: 'summary_empty',
} as const;

/** Known ERP kinds by name; an unknown source id is not shown to a manager. */
const SOURCE = { local: 'src_local', moysklad: 'src_moysklad', onec: 'src_onec', rest: 'src_rest' } as const;

function Report(props: {
  state: Extract<PanelState, { kind: 'data' | 'empty' }>;
  t: Messages;
  locale: string;
  reload: (fresh: boolean) => void;
  now?: number;
}) {
  const { state, t, locale, reload, now } = props;
  const { report } = state;
  // Figures the ERP could not confirm are never "all in stock": the badge says they are old.
  const badge = report.stale ? 'stale' : report.status;
  const age = formatAge(report.asOf, locale, now);
  const time = formatDateTime(report.asOf, locale);
  const source = SOURCE[report.source as keyof typeof SOURCE];
  const total = linesTotal(report.lines);
  return (
    <>
      <div class="erpb-head">
        <Title t={t} />
        <span class={`erpb-badge erpb-badge--${badge}`} data-status={badge}>
          {badge === 'stale' ? t.summary_stale : t[SUMMARY[report.status]]}
        </span>
        <RefreshButton label={t.refresh} onClick={() => reload(true)} busy={state.refreshing} />
      </div>
      {/* The only live region: what changed (read again, ERP down) is announced, not the whole list. */}
      <p
        class={report.stale ? 'erpb-status erpb-status--stale' : 'erpb-status'}
        role="status"
        data-stale={report.stale ? 'true' : undefined}
      >
        {state.refreshing ? t.refreshing : fill(report.stale ? t.stale : t.as_of, { time, age })}
        {source && !report.stale && <> · {t[source]}</>}
        {report.stale && (
          <>
            {' '}
            <button type="button" class="erpb-link" onClick={() => reload(true)}>
              {t.retry}
            </button>
          </>
        )}
      </p>
      {state.kind === 'empty' ? (
        <p class="erpb-msg">{t.empty}</p>
      ) : (
        <StockLines lines={report.lines} t={t} locale={locale} />
      )}
      {total && state.kind === 'data' && (
        <p class="erpb-total">
          {t.total}: <strong>{formatMoney(total, locale)}</strong>
        </p>
      )}
    </>
  );
}
