import { useState } from 'preact/hooks';
import type { WidgetApiClient } from '../api-client.js';
import { GuardBanner } from './GuardBanner.js';
import { InvoiceSection } from './InvoiceSection.js';
import { LeadStockPanel, type LeadStockPanelProps } from './LeadStockPanel.js';
import { initialState } from './state.js';

export interface LeadPanelProps extends Omit<LeadStockPanelProps, 'loadStock' | 'reload'> {
  api: Pick<
    WidgetApiClient,
    'leadStock' | 'leadGuard' | 'leadStockCheck' | 'leadInvoices' | 'requestInvoice'
  >;
}

/**
 * The deal card panel: the guard's banner over the stock table, invoices under it. "Check again"
 * bumps `tick`, which reloads the stock and the invoice list (whether invoicing is allowed depends
 * on stock). Guard and invoices stay away while there is no backend or no saved deal.
 */
export function LeadPanel(props: LeadPanelProps) {
  const { api, leadId, messages: t, locale, onStateChange } = props;
  const [tick, setTick] = useState(0);
  // Latched: once the stock has answered, the invoice section stays (a stock refresh must not drop it).
  const [stockAnswered, setStockAnswered] = useState(false);
  const active = initialState(props.backend, leadId).kind === 'loading';
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
        reload={tick}
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
          reload={tick}
          t={t}
          locale={locale}
        />
      )}
    </>
  );
}
