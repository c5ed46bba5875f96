import type { InvoiceRequest } from '@erp-bridge/shared';
import { fill, formatDateTime, formatMoney, safeUrl } from '../format.js';
import type { Messages } from '../i18n.js';
import { Spinner } from '../ui/common.js';
import { known } from './invoice-words.js';

/** One invoice request of the deal: pending, created (with its ERP link) or failed (with why). */
export function InvoiceRow({ item, t, locale }: { item: InvoiceRequest; t: Messages; locale: string }) {
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
