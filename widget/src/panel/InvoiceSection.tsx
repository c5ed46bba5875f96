import type { InvoiceList, InvoiceRequest, InvoiceRequestInput } from '@erp-bridge/shared';
import type { ComponentChildren } from 'preact';
import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import type { ApiFailure } from '../api-client.js';
import { toFailure } from '../api-client.js';
import { fill, formatDateTime, formatMoney, formatQty, safeUrl, uuid } from '../format.js';
import type { Messages } from '../i18n.js';
import { ErrorBox, failureText, type Loaded, Spinner } from '../ui/common.js';
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
  /** The stock panel shows last known figures (the ERP is down): the confirm step warns. */
  stockStale?: boolean;
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
  stockStale,
  t,
  locale,
}: InvoiceSectionProps) {
  const [state, setState] = useState<Loaded<InvoiceList>>({ kind: 'loading' });
  const [confirm, dispatch] = useReducer(confirmReducer, { step: 'idle' });
  const poller = useRef<Poller | null>(null);
  const root = useRef<HTMLElement>(null);
  const requestRef = useRef<HTMLButtonElement>(null);

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
        stale={list.stale === true || stockStale === true}
        existing={list.items.find((i) => i.status === 'created' || i.status === 'pending')}
        sending={confirm.sending}
        failure={confirm.failure}
        onConfirm={send}
        onCancel={() => {
          dispatch({ type: 'cancel' });
          // Back to the button that opened the step (it is rendered again on the next frame).
          requestAnimationFrame(() => (requestRef.current ?? root.current)?.focus());
        }}
      />
    );
  } else {
    kind = 'ready';
    const reason = !list.canRequest || !preview ? (list.blockedBy ?? 'no_products') : null;
    const why = `erpb-inv-why-${leadId}`;
    body = (
      <>
        {/* aria-disabled, not disabled: the button stays in the tab order and reads its reason. */}
        <button
          ref={requestRef}
          type="button"
          class="erpb-btn erpb-btn--primary"
          data-testid="erpb-request-invoice"
          aria-disabled={reason !== null ? 'true' : undefined}
          aria-describedby={reason ? why : undefined}
          onClick={() => reason === null && dispatch({ type: 'open', key: uuid() })}
        >
          {t.inv_request}
        </button>
        {reason && (
          <p class="erpb-hint" id={why} data-blocked-by={reason}>
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
      aria-labelledby={`erpb-inv-title-${leadId}`}
      tabIndex={-1}
    >
      <div class="erpb-head">
        <h3 class="erpb-title" id={`erpb-inv-title-${leadId}`}>
          {t.inv_title}
        </h3>
      </div>
      {body}
      <p class="erpb-sr" role="status">
        {list?.items[0] ? statusLine(list.items[0], t) : ''}
      </p>
      {list && (
        <ul class="erpb-inv-list">
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
  /** The ERP is down: the stock behind the preview is the last known. */
  stale: boolean;
  /** An invoice already made (or being made) for this deal: a second one is asked about. */
  existing: InvoiceRequest | undefined;
  sending: boolean;
  failure: ApiFailure | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t, locale, preview, stale, existing, sending, failure, onConfirm, onCancel } = props;
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  const money = (m: Parameters<typeof formatMoney>[0]) => formatMoney(m, locale);
  return (
    <fieldset
      class="erpb-confirm"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !sending) {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <legend class="erpb-sub">{t.inv_confirm_title}</legend>
      {stale && (
        <p class="erpb-note erpb-note--warn" data-warn="stale">
          {t.inv_warn_stale}
        </p>
      )}
      {existing && (
        <p class="erpb-note erpb-note--warn" data-warn="exists">
          {existing.invoice
            ? fill(t.inv_warn_exists, { number: existing.invoice.number })
            : t.inv_warn_pending}{' '}
          {existing.invoice && safeUrl(existing.invoice.link) && (
            <a
              class="erpb-link"
              href={safeUrl(existing.invoice.link)}
              target="_blank"
              rel="noopener noreferrer"
            >
              {t.inv_open}
            </a>
          )}
        </p>
      )}
      {/* A list, not a table: three columns do not fit amoCRM's 280 px column. */}
      <ul class="erpb-positions">
        {preview.positions.map((p) => (
          <li key={p.sku} data-position-sku={p.sku}>
            <span class="erpb-name">{p.name}</span>
            <span class="erpb-sku">{p.sku}</span>
            <span class="erpb-pos-sum">
              {formatQty(p.quantity, locale)} × {money(p.price)} = <b>{money(p.total)}</b>
            </span>
          </li>
        ))}
      </ul>
      {preview.skipped?.length ? (
        <ul class="erpb-positions erpb-skipped" data-testid="erpb-invoice-skipped">
          {preview.skipped.map((p) => (
            <li key={`${p.name}-${p.sku}`} data-skipped-reason={p.reason}>
              <span class="erpb-name">{p.name}</span>
              <span class="erpb-hint">{t[`inv_skipped_${p.reason}`]}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <p class="erpb-total">
        {t.inv_total}: <strong data-testid="erpb-invoice-total">{money(preview.total)}</strong>
      </p>
      {failure && <ErrorBox failure={failure} t={t} what={null} text={invoiceFailureText(failure, t)} />}
      <div class="erpb-actions">
        <button
          ref={confirmRef}
          type="button"
          class="erpb-btn erpb-btn--primary"
          data-testid="erpb-confirm-invoice"
          aria-disabled={sending ? 'true' : undefined}
          onClick={() => !sending && onConfirm()}
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
          aria-disabled={sending ? 'true' : undefined}
          onClick={() => !sending && onCancel()}
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
            {error && (
              <div class="erpb-inline-error">{known(t, `inv_err_${error.code}`) ?? t.inv_err_other}</div>
            )}
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

/** The translation of `key`, or undefined when there is none (the messages proxy answers a missing key with the key). */
function known(t: Messages, key: string): string | undefined {
  const text = t[key as keyof Messages];
  return text === key ? undefined : text;
}

/** The request's refusal (problem `code` invoice.*) in the user's words; other codes as every failure. */
function invoiceFailureText(failure: ApiFailure, t: Messages): string {
  const code = failure.code ?? '';
  return (code.startsWith('invoice.') && known(t, `inv_${code.slice(8)}`)) || failureText(failure, t);
}

function statusLine(item: InvoiceRequest, t: Messages): string {
  if (item.status === 'pending') return t.inv_pending;
  if (item.status === 'failed') return t.inv_failed;
  return item.invoice ? fill(t.inv_created_short, { number: item.invoice.number }) : '';
}
