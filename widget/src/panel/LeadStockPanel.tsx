import type { StockLine, StockReport, WarehouseStock } from '@erp-bridge/shared';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { toFailure } from '../api-client.js';
import { fill, formatDateTime, formatMoney, formatQty, linesTotal } from '../format.js';
import type { Messages } from '../i18n.js';
import { ErrorBox } from './common.js';
import { initialState, type PanelState, stateFromReport } from './state.js';

export interface LeadStockPanelProps {
  leadId: number;
  /** '' when no backend origin is known: the panel says so instead of calling anything. */
  backend: string;
  loadStock: (leadId: number) => Promise<StockReport>;
  messages: Messages;
  /** BCP 47 locale for numbers, money and dates. */
  locale: string;
  /** Told every state change, before paint (the host mirrors it on its mount element). */
  onStateChange?: (kind: PanelState['kind']) => void;
  /** Changing it loads the report again (after "Check again"). */
  reload?: number;
}

/** Loads the lead's stock report and shows it; Retry / Refresh load it again. */
export function LeadStockPanel(props: LeadStockPanelProps) {
  const { leadId, backend, loadStock, messages, locale, onStateChange, reload } = props;
  const [state, setState] = useState<PanelState>(() => initialState(backend, leadId));
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const first = initialState(backend, leadId);
    setState(first);
    if (first.kind !== 'loading') return;
    // The card can change (or the panel unmount) before the answer comes: drop late answers.
    let live = true;
    loadStock(leadId).then(
      (report) => live && setState(stateFromReport(report)),
      (error: unknown) => live && setState({ kind: 'error', failure: toFailure(error) }),
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
      onReload={() => setAttempt((n) => n + 1)}
    />
  );
}

export interface LeadStockViewProps {
  state: PanelState;
  messages: Messages;
  locale: string;
  onReload: () => void;
}

/** Pure rendering of one panel state. */
export function LeadStockView({ state, messages: t, locale, onReload }: LeadStockViewProps) {
  const root = useRef<HTMLDivElement>(null);
  // The button the user pressed disappears while loading; keep keyboard focus inside the panel.
  const reload = () => {
    root.current?.focus();
    onReload();
  };
  return (
    <div
      ref={root}
      class="erpb-panel"
      data-state={state.kind}
      aria-busy={state.kind === 'loading'}
      aria-live="polite"
      tabIndex={-1}
    >
      {renderBody(state, t, locale, reload)}
    </div>
  );
}

function renderBody(state: PanelState, t: Messages, locale: string, reload: () => void) {
  switch (state.kind) {
    case 'not-configured':
      return <p class="erpb-msg erpb-msg--warn">{t.not_configured}</p>;
    case 'unsaved':
      return <p class="erpb-msg">{t.unsaved_card}</p>;
    case 'loading':
      return <Skeleton label={t.loading} />;
    case 'error':
      return <ErrorBox failure={state.failure} t={t} onRetry={reload} />;
    case 'empty':
      return (
        <>
          <Header report={state.report} t={t} onRefresh={reload} />
          <p class="erpb-msg">{t.empty}</p>
        </>
      );
    case 'data':
      return <Report report={state.report} t={t} locale={locale} onRefresh={reload} />;
  }
}

function Skeleton({ label }: { label: string }) {
  return (
    <div class="erpb-skeleton">
      <span class="erpb-sr">{label}</span>
      <span class="erpb-skel erpb-skel--head" />
      <span class="erpb-skel" />
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

const LINE_STATUS = { ok: 'status_ok', short: 'status_short', unknown: 'status_unknown' } as const;

function Header({ report, t, onRefresh }: { report: StockReport; t: Messages; onRefresh: () => void }) {
  return (
    <div class="erpb-head">
      <span class="erpb-title">{t.title}</span>
      <span class={`erpb-badge erpb-badge--${report.status}`} data-status={report.status}>
        {t[SUMMARY[report.status]]}
      </span>
      <button
        type="button"
        class="erpb-icon-btn"
        onClick={onRefresh}
        title={t.refresh}
        aria-label={t.refresh}
      >
        <span aria-hidden="true">↻</span>
      </button>
    </div>
  );
}

function Report(props: { report: StockReport; t: Messages; locale: string; onRefresh: () => void }) {
  const { report, t, locale, onRefresh } = props;
  const asOf = formatDateTime(report.asOf, locale);
  const total = linesTotal(report.lines);
  return (
    <>
      <Header report={report} t={t} onRefresh={onRefresh} />
      {report.stale && (
        <p class="erpb-stale" data-stale="true">
          {fill(t.stale, { time: asOf })}
        </p>
      )}
      <table class="erpb-table">
        <thead>
          <tr>
            <th scope="col">
              {t.col_name} <span class="erpb-muted">/ {t.col_sku}</span>
            </th>
            <th scope="col" class="erpb-num">
              {t.col_requested}
            </th>
            <th scope="col" class="erpb-num">
              {t.col_free}
            </th>
          </tr>
        </thead>
        <tbody>
          {report.lines.map((line) => (
            <Line key={line.elementId} line={line} t={t} locale={locale} />
          ))}
        </tbody>
        {total && (
          <tfoot>
            <tr>
              <td colSpan={3} class="erpb-total">
                {t.total}: <strong>{formatMoney(total, locale)}</strong>
              </td>
            </tr>
          </tfoot>
        )}
      </table>
      <p class="erpb-foot">
        {fill(t.as_of, { time: asOf })}
        {report.source && <> · {fill(t.source, { source: report.source })}</>}
      </p>
    </>
  );
}

function Line({ line, t, locale }: { line: StockLine; t: Messages; locale: string }) {
  return (
    <tr class={`erpb-line erpb-line--${line.status}`} data-sku={line.sku ?? ''} data-status={line.status}>
      <td>
        <div class="erpb-name">{line.name}</div>
        <div class="erpb-sku">{line.sku ?? t.no_sku}</div>
        {line.price && <div class="erpb-price">{formatMoney(line.price, locale)}</div>}
      </td>
      <td class="erpb-num">{formatQty(line.requested, locale)}</td>
      <td class="erpb-num">
        <span class={`erpb-badge erpb-badge--${line.status}`}>{t[LINE_STATUS[line.status]]}</span>
        {line.freeTotal !== null && <div class="erpb-free-total">{formatQty(line.freeTotal, locale)}</div>}
        <Warehouses warehouses={line.warehouses} t={t} locale={locale} />
      </td>
    </tr>
  );
}

function Warehouses({
  warehouses,
  t,
  locale,
}: {
  warehouses: WarehouseStock[];
  t: Messages;
  locale: string;
}) {
  if (warehouses.length === 0) return <div class="erpb-muted">{t.no_warehouses}</div>;
  return (
    <ul class="erpb-wh-list">
      {warehouses.map((w) => (
        <li key={w.warehouseId} class="erpb-wh" data-warehouse={w.warehouseId} title={w.warehouseName}>
          <span class="erpb-wh-name">{w.warehouseName}</span>
          <span class={w.free !== null && w.free > 0 ? 'erpb-wh-free' : 'erpb-wh-free erpb-wh-free--none'}>
            {w.free === null ? '?' : formatQty(w.free, locale)}
          </span>
        </li>
      ))}
    </ul>
  );
}
