import type { InvoiceList, InvoiceRequest, InvoiceRequestInput } from '@erp-bridge/shared';
import type { ComponentChildren } from 'preact';
import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { toFailure } from '../api-client.js';
import { fill, formatDateTime, formatMoney, formatQty, safeUrl, uuid } from '../format.js';
import type { Messages } from '../i18n.js';
import { ErrorBox, type Loaded, Spinner } from './common.js';
import {
  confirmReducer,
  createInvoicePoller,
  hasPending,
  type Poller,
  withRequest,
} from './invoice-state.js';

export interface InvoiceSectionProps {
  leadId: number;
  loadInvoices: (leadId: number) => Promise<InvoiceList>;
  requestInvoice: (leadId: number, key: string, input: InvoiceRequestInput) => Promise<InvoiceRequest>;
  /** Changing it reloads the list (after "Check again": stock decides whether invoicing is allowed). */
  reload: number;
  t: Messages;
  locale: string;
}

/**
 * "Request invoice" with a confirm step, and the deal's invoice requests, followed every 2 s
 * while one is pending. `data-state`: loading | error | ready | confirm | sending.
 */
export function InvoiceSection({
  leadId,
  loadInvoices,
  requestInvoice,
  reload,
  t,
  locale,
}: InvoiceSectionProps) {
  const [state, setState] = useState<Loaded<InvoiceList>>({ kind: 'loading' });
  const [confirm, dispatch] = useReducer(confirmReducer, { step: 'idle' });
  const poller = useRef<Poller | null>(null);
  const root = useRef<HTMLElement>(null);

  useEffect(() => {
    setState({ kind: 'loading' });
    const p = createInvoicePoller({
      load: () => loadInvoices(leadId),
      onData: (data) => setState({ kind: 'ok', data }),
      onError: (error) => setState((s) => ({ kind: 'error', failure: toFailure(error), data: s.data })),
    });
    poller.current = p;
    p.kick();
    return () => p.stop();
  }, [leadId, loadInvoices]);

  useEffect(() => {
    if (reload) poller.current?.kick();
  }, [reload]);

  const list = state.data;
  const preview = list?.preview;

  const send = () => {
    if (confirm.step !== 'confirm' || !preview) return;
    dispatch({ type: 'send' });
    requestInvoice(leadId, confirm.key, { confirmedTotal: preview.total }).then(
      (accepted) => {
        dispatch({ type: 'accepted' });
        // Show the request at once (pending, with its spinner); the poller then follows it.
        setState((s) => (s.data ? { kind: 'ok', data: withRequest(s.data, accepted) } : s));
        poller.current?.kick();
        root.current?.focus();
      },
      (error: unknown) => dispatch({ type: 'failed', failure: toFailure(error) }),
    );
  };

  let body: ComponentChildren;
  let kind: string = state.kind;
  if (!list) {
    body =
      state.kind === 'error' ? (
        <ErrorBox failure={state.failure} t={t} what={t.inv_error} onRetry={() => poller.current?.kick()} />
      ) : (
        <p class="erpb-msg">
          <Spinner /> {t.loading}
        </p>
      );
  } else if (confirm.step === 'confirm' && preview) {
    kind = confirm.sending ? 'sending' : 'confirm';
    body = (
      <ConfirmStep
        t={t}
        locale={locale}
        preview={preview}
        sending={confirm.sending}
        failure={confirm.failure}
        onConfirm={send}
        onCancel={() => {
          dispatch({ type: 'cancel' });
          root.current?.focus();
        }}
      />
    );
  } else {
    kind = 'ready';
    const reason = !list.canRequest || !preview ? (list.blockedBy ?? 'no_products') : null;
    body = (
      <>
        <button
          type="button"
          class="erpb-btn erpb-btn--primary"
          data-testid="erpb-request-invoice"
          disabled={reason !== null}
          aria-describedby={reason ? `erpb-inv-why-${leadId}` : undefined}
          onClick={() => dispatch({ type: 'open', key: uuid() })}
        >
          {t.inv_request}
        </button>
        {reason && (
          <p class="erpb-hint" id={`erpb-inv-why-${leadId}`} data-blocked-by={reason}>
            {t[`inv_blocked_${reason}`]}
          </p>
        )}
      </>
    );
  }

  return (
    <section
      ref={root}
      class="erpb-invoices"
      data-state={kind}
      data-polling={hasPending(list) ? 'true' : 'false'}
      aria-label={t.inv_title}
      tabIndex={-1}
    >
      <div class="erpb-head">
        <span class="erpb-title">{t.inv_title}</span>
      </div>
      {body}
      {list && (
        <ul class="erpb-inv-list" aria-live="polite">
          {list.items.length === 0 && <li class="erpb-msg">{t.inv_empty}</li>}
          {list.items.map((item) => (
            <InvoiceRow key={item.id} item={item} t={t} locale={locale} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ConfirmStep(props: {
  t: Messages;
  locale: string;
  preview: NonNullable<InvoiceList['preview']>;
  sending: boolean;
  failure: Parameters<typeof ErrorBox>[0]['failure'] | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t, locale, preview, sending, failure, onConfirm, onCancel } = props;
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  const money = (m: Parameters<typeof formatMoney>[0]) => formatMoney(m, locale);
  return (
    <fieldset class="erpb-confirm">
      <legend class="erpb-sub">{t.inv_confirm_title}</legend>
      <table class="erpb-table">
        <thead>
          <tr>
            <th scope="col">{t.col_name}</th>
            <th scope="col" class="erpb-num">
              {t.inv_col_qty} × {t.inv_col_price}
            </th>
            <th scope="col" class="erpb-num">
              {t.inv_col_sum}
            </th>
          </tr>
        </thead>
        <tbody>
          {preview.positions.map((p) => (
            <tr key={p.sku} data-position-sku={p.sku}>
              <td>
                <div class="erpb-name">{p.name}</div>
                <div class="erpb-sku">{p.sku}</div>
              </td>
              <td class="erpb-num">
                {formatQty(p.quantity, locale)} × {money(p.price)}
              </td>
              <td class="erpb-num">{money(p.total)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={3} class="erpb-total">
              {t.inv_total}: <strong data-testid="erpb-invoice-total">{money(preview.total)}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
      {failure && <ErrorBox failure={failure} t={t} />}
      <div class="erpb-actions">
        <button
          ref={confirmRef}
          type="button"
          class="erpb-btn erpb-btn--primary"
          data-testid="erpb-confirm-invoice"
          disabled={sending}
          onClick={onConfirm}
        >
          {sending ? (
            <>
              <Spinner /> {t.inv_sending}
            </>
          ) : (
            t.inv_confirm
          )}
        </button>
        <button
          type="button"
          class="erpb-btn"
          data-testid="erpb-cancel-invoice"
          disabled={sending}
          onClick={onCancel}
        >
          {t.inv_cancel}
        </button>
      </div>
    </fieldset>
  );
}

function InvoiceRow({ item, t, locale }: { item: InvoiceRequest; t: Messages; locale: string }) {
  const { invoice, error } = item;
  const link = invoice && safeUrl(invoice.link);
  return (
    <li
      class={`erpb-inv erpb-inv--${item.status}`}
      data-invoice-status={item.status}
      data-invoice-id={item.id}
    >
      <div class="erpb-inv-main">
        {item.status === 'pending' && (
          <>
            <Spinner /> {t.inv_pending}
          </>
        )}
        {invoice && (
          <>
            <b>{fill(t.inv_created, { number: invoice.number, sum: formatMoney(invoice.sum, locale) })}</b>
            {link && (
              <>
                {' '}
                <a class="erpb-link" href={link} target="_blank" rel="noopener noreferrer">
                  {t.inv_open}
                </a>
              </>
            )}
          </>
        )}
        {item.status === 'failed' && (
          <>
            <b>{t.inv_failed}</b>
            {error && <div class="erpb-inline-error">{error.message}</div>}
          </>
        )}
      </div>
      <div class="erpb-muted">
        {fill(t.inv_requested_at, { time: formatDateTime(item.createdAt, locale) })} ·{' '}
        {formatMoney(item.total, locale)}
      </div>
    </li>
  );
}
