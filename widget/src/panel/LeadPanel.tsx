import { useState } from 'preact/hooks';
import type { ApiFailure, WidgetApiClient } from '../api-client.js';
import { Details } from '../ui/common.js';
import { ErpLoopSection } from './ErpLoopSection.js';
import { GuardBanner } from './GuardBanner.js';
import { InvoiceSection } from './InvoiceSection.js';
import { LeadStockPanel, type LeadStockPanelProps } from './LeadStockPanel.js';
import { initialState } from './state.js';

export interface LeadPanelProps extends Omit<LeadStockPanelProps, 'loadStock' | 'reload'> {
  api: Pick<
    WidgetApiClient,
    'leadStock' | 'leadGuard' | 'leadStockCheck' | 'leadInvoices' | 'requestInvoice'
  > &
    Partial<Pick<WidgetApiClient, 'leadErpLoop'>>;
}

/**
 * The deal card panel: the guard's banner over the stock, invoices under it. "Check again" bumps
 * `tick`, which reloads the stock and the invoice list (whether invoicing is allowed depends on
 * stock). Guard and invoices stay away while there is no backend or no saved deal. When the
 * backend does not answer at all, one message with one Retry stands for the whole panel.
 */
export function LeadPanel(props: LeadPanelProps) {
  const { api, leadId, messages: t, locale, onStateChange } = props;
  const [tick, setTick] = useState(0);
  const [down, setDown] = useState<ApiFailure | null>(null);
  const [stale, setStale] = useState(false);
  // Set by Retry: the panel that replaces the message takes the focus the Retry button had.
  const [retried, setRetried] = useState(false);
  // Latched: once the stock has answered, the invoice section stays (a stock refresh must not drop it).
  const [stockAnswered, setStockAnswered] = useState(false);
  const active = initialState(props.backend, leadId).kind === 'loading';
  if (down) {
    return (
      <div class="erpb-panel erpb-down" data-state="unreachable">
        <h3 class="erpb-title">{t.title}</h3>
        <div class="erpb-error" role="alert">
          <p class="erpb-error-title">{t.unreachable}</p>
          <p class="erpb-error-detail">{t.unreachable_hint}</p>
          <button
            type="button"
            class="erpb-btn"
            data-testid="erpb-retry"
            onClick={() => {
              setRetried(true);
              setDown(null);
              setStockAnswered(false);
              setTick((n) => n + 1);
            }}
          >
            {t.retry}
          </button>
          <Details failure={down} t={t} />
        </div>
      </div>
    );
  }
  return (
    <>
      {active && (
        <GuardBanner
          leadId={leadId}
          loadGuard={api.leadGuard}
          checkStock={api.leadStockCheck}
          onChecked={() => setTick((n) => n + 1)}
          t={t}
          locale={locale}
        />
      )}
      <LeadStockPanel
        {...props}
        loadStock={api.leadStock}
        autoFocus={retried}
        reload={tick}
        onReport={(report) => setStale(report.stale)}
        onUnreachable={(failure) => {
          onStateChange?.('error');
          setDown(failure);
        }}
        onStateChange={(kind) => {
          if (kind !== 'loading') setStockAnswered(true);
          onStateChange?.(kind);
        }}
      />
      {/* After the first stock answer: the invoice list re-reads the deal and its stock, and would
          compete with the request that paints the panel. */}
      {active && stockAnswered && (
        <InvoiceSection
          leadId={leadId}
          loadInvoices={api.leadInvoices}
          requestInvoice={api.requestInvoice}
          stockStale={stale}
          reload={tick}
          t={t}
          locale={locale}
        />
      )}
      {active && stockAnswered && api.leadErpLoop && (
        <ErpLoopSection leadId={leadId} loadLoop={api.leadErpLoop} reload={tick} t={t} locale={locale} />
      )}
    </>
  );
}
