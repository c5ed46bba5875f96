import type { ErpLoopInvoice, ErpLoopOrder, ErpLoopView } from '@erp-bridge/shared';
import { fill, formatMoney, safeUrl } from '../format.js';
import type { Messages } from '../i18n.js';
import { Spinner, unreachable, useLoad } from '../ui/common.js';

export interface ErpLoopSectionProps {
  leadId: number;
  loadLoop: (leadId: number) => Promise<ErpLoopView>;
  /** Bumped by "Check again" and after an invoice request: read again. */
  reload: number;
  t: Messages;
  locale: string;
}

const ORDER_TEXT = {
  pending: 'loop_order_pending',
  reserved: 'loop_order_reserved',
  releasing: 'loop_order_releasing',
  released: 'loop_order_released',
  kept: 'loop_order_kept',
  failed: 'loop_order_failed',
} as const;

const STATE_TEXT = {
  issued: 'loop_state_issued',
  partially_paid: 'loop_state_partially_paid',
  paid: 'loop_state_paid',
  cancelled: 'loop_state_cancelled',
} as const;

/** Green for what went through, red for what did not, neutral otherwise (existing invoice-row looks). */
const look = (s: string) =>
  s === 'paid' || s === 'reserved' || s === 'kept'
    ? ' erpb-inv--created'
    : s === 'cancelled' || s === 'failed'
      ? ' erpb-inv--failed'
      : '';

function ErpLink({ href, t }: { href: string | null; t: Messages }) {
  const url = safeUrl(href);
  return url ? (
    <a class="erpb-link" href={url} target="_blank" rel="noopener noreferrer">
      {t.loop_open_erp}
    </a>
  ) : null;
}

function OrderRow({ order, t }: { order: ErpLoopOrder; t: Messages }) {
  const lines = Object.entries(order.reserved)
    .map(([sku, q]) => `${sku} × ${q}`)
    .join(', ');
  return (
    <li class={`erpb-inv${look(order.status)}`} data-testid="erpb-loop-order" data-state={order.status}>
      <div class="erpb-inv-main">
        {order.number ? fill(t.loop_order, { number: order.number }) : t.loop_order_pending}
        {' · '}
        {t[ORDER_TEXT[order.status]]}
      </div>
      {lines && order.status !== 'released' && <div class="erpb-muted">{lines}</div>}
      <ErpLink href={order.link} t={t} />
    </li>
  );
}

function InvoiceStateRow({ invoice, t, locale }: { invoice: ErpLoopInvoice; t: Messages; locale: string }) {
  return (
    <li class={`erpb-inv${look(invoice.state)}`} data-testid="erpb-loop-invoice" data-state={invoice.state}>
      <div class="erpb-inv-main">
        {fill(t.loop_invoice, { number: invoice.number ?? '—' })}
        {' · '}
        {t[STATE_TEXT[invoice.state]]}
      </div>
      <div class="erpb-muted">
        {fill(t.loop_paid_of, {
          paid: formatMoney(invoice.paidSum, locale),
          sum: formatMoney(invoice.sum, locale),
        })}
      </div>
      <ErpLink href={invoice.link} t={t} />
    </li>
  );
}

/**
 * The deal's order with its reserve and its invoices as the ERP last said (issue 15), with links
 * into the ERP. Hidden while there is nothing to show or the ERP cannot do either.
 */
export function ErpLoopSection({ leadId, loadLoop, reload, t, locale }: ErpLoopSectionProps) {
  const [state] = useLoad(() => loadLoop(leadId), [leadId, loadLoop, reload]);
  const view = state.data;
  if (!view) {
    if (state.kind === 'error' && !unreachable(state.failure))
      return (
        <p class="erpb-msg" data-testid="erpb-loop" data-state="error" role="status">
          {t.loop_error}
        </p>
      );
    return state.kind === 'loading' ? <Spinner /> : null;
  }
  if (!view.order && view.invoices.length === 0)
    return <div data-testid="erpb-loop" data-state="empty" hidden />;
  return (
    <section
      class="erpb-loop"
      data-testid="erpb-loop"
      data-state="ready"
      aria-labelledby={`erpb-loop-title-${leadId}`}
    >
      <div class="erpb-head">
        <h3 class="erpb-title" id={`erpb-loop-title-${leadId}`}>
          {t.loop_title}
        </h3>
      </div>
      <ul class="erpb-inv-list">
        {view.order && <OrderRow order={view.order} t={t} />}
        {view.invoices.map((i) => (
          <InvoiceStateRow key={i.requestId} invoice={i} t={t} locale={locale} />
        ))}
      </ul>
    </section>
  );
}
