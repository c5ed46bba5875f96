import type { InvoiceList, InvoiceRequest } from '@erp-bridge/shared';
import { useEffect, useRef } from 'preact/hooks';
import type { ApiFailure } from '../api-client.js';
import { fill, formatMoney, formatQty, safeUrl } from '../format.js';
import type { Messages } from '../i18n.js';
import { ErrorBox, Spinner } from '../ui/common.js';
import { invoiceFailureText } from './invoice-words.js';

/** The confirm step of "Request invoice": positions, total, warnings; Escape cancels. */
export function ConfirmStep(props: {
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
