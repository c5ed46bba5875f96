import type { InvoiceList, InvoiceRequest, InvoiceRequestInput } from '@erp-bridge/shared';
import type { ComponentChildren } from 'preact';
import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { toFailure } from '../api-client.js';
import { uuid } from '../format.js';
import type { Messages } from '../i18n.js';
import { ErrorBox, type Loaded, Spinner } from '../ui/common.js';
import { ConfirmStep } from './InvoiceConfirm.js';
import { InvoiceRow } from './InvoiceRow.js';
import {
  confirmReducer,
  createInvoicePoller,
  hasPending,
  type Poller,
  withRequest,
} from './invoice-state.js';
import { statusLine } from './invoice-words.js';

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
