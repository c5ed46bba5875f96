import type { CustomerSummaryView, LookupKey, CustomerPanel as Panel } from '@erp-bridge/shared';
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';
import { type ApiFailure, type CustomerEntity, toFailure, type WidgetApiClient } from '../api-client.js';
import { balanceView, fill, formatAge, formatDate, formatDateTime, formatMoney, safeUrl } from '../format.js';
import type { CustomerMessages } from '../i18n.js';
import { ErrorBox, Spinner, useLoad } from '../panel/common.js';
import { isSavedLeadId } from '../panel/state.js';

export interface CustomerPanelProps {
  entity: CustomerEntity;
  id: number;
  /** '' when no backend origin is known. */
  backend: string;
  api: Pick<WidgetApiClient, 'customerSummary' | 'chooseCustomer'>;
  t: CustomerMessages;
  locale: string;
  /** Told every state change before paint: not-configured | unsaved | loading | error | found | several | not_found. */
  onStateChange?: (kind: string) => void;
}

/** The ERP customer behind a contact or company card: balance, recent documents, or who it might be. */
export function CustomerPanel({ entity, id, backend, api, t, locale, onStateChange }: CustomerPanelProps) {
  const idle = backend === '' ? 'not-configured' : isSavedLeadId(id) ? null : 'unsaved';
  const [state, reload] = useLoad<Panel | null>(
    () => (idle ? Promise.resolve(null) : api.customerSummary(entity, id)),
    [entity, id, idle],
  );
  const [choosing, setChoosing] = useState(false);
  const [chooseFailure, setChooseFailure] = useState<ApiFailure | null>(null);
  const panel = state.data;
  const kind = idle ?? (state.kind === 'error' ? 'error' : (panel?.status ?? 'loading'));
  useLayoutEffect(() => onStateChange?.(kind), [kind, onStateChange]);

  const choose = (customerId: string) => {
    setChoosing(true);
    setChooseFailure(null);
    api.chooseCustomer(entity, id, customerId).then(
      () => {
        setChoosing(false);
        reload();
      },
      (error: unknown) => {
        setChoosing(false);
        setChooseFailure(toFailure(error));
      },
    );
  };
  const key = (k: LookupKey) => t[`key_${k}`];

  let body: ComponentChildren;
  if (idle) {
    body = (
      <p class={idle === 'unsaved' ? 'erpb-msg' : 'erpb-msg erpb-msg--warn'}>
        {t[idle === 'unsaved' ? 'unsaved_card' : 'not_configured']}
      </p>
    );
  } else if (state.kind === 'error') {
    body = <ErrorBox failure={state.failure} t={t} onRetry={reload} />;
  } else if (!panel) {
    body = (
      <p class="erpb-msg">
        <Spinner /> {t.loading}
      </p>
    );
  } else if (panel.status === 'found') {
    const s = panel.summary;
    const link = safeUrl(s.link);
    body = (
      <>
        <p class="erpb-name">{s.customer.name}</p>
        <p class="erpb-muted">
          {[
            s.customer.inn && fill(t.inn, { inn: s.customer.inn }),
            panel.matchedBy && fill(t.matched_by, { key: key(panel.matchedBy) }),
          ]
            .filter(Boolean)
            .join(' · ')}
        </p>
        {panel.stale && (
          <p class="erpb-stale" data-stale="true">
            {fill(t.stale, { time: formatDateTime(panel.asOf, locale), age: formatAge(panel.asOf, locale) })}
          </p>
        )}
        <Balance summary={s} t={t} locale={locale} />
        <Docs title={t.orders} empty={t.no_orders} docs={s.recentOrders} t={t} locale={locale} />
        <Docs title={t.invoices} empty={t.no_invoices} docs={s.recentInvoices} t={t} locale={locale} />
        {link && (
          <a class="erpb-btn" href={link} target="_blank" rel="noopener noreferrer">
            {t.open_erp}
          </a>
        )}
      </>
    );
  } else if (panel.status === 'several') {
    body = (
      <>
        <p>{fill(t.several, { key: key(panel.matchedBy) })}</p>
        <ul class="erpb-cands">
          {panel.candidates.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                class="erpb-cand"
                data-customer-id={c.id}
                disabled={choosing}
                onClick={() => choose(c.id)}
              >
                <b>{c.name}</b>
                <span class="erpb-muted">
                  {[c.inn && fill(t.inn, { inn: c.inn }), c.phone, c.email].filter(Boolean).join(' · ')}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {chooseFailure && <ErrorBox failure={chooseFailure} t={t} what={t.choose_failed} />}
      </>
    );
  } else {
    body = (
      <>
        <p class="erpb-msg">{t.not_found}</p>
        {panel.searched.length > 0 ? (
          <ul class="erpb-searched">
            <li class="erpb-muted">{t.searched}</li>
            {panel.searched.map((s) => (
              <li key={s.key + s.value}>
                {key(s.key)}: {s.value}
              </li>
            ))}
          </ul>
        ) : (
          <p class="erpb-muted">{t.nothing_to_search}</p>
        )}
      </>
    );
  }

  return (
    <div class="erpb-panel erpb-customer" data-state={kind} aria-busy={kind === 'loading'} aria-live="polite">
      <div class="erpb-head">
        <span class="erpb-title">{t.title}</span>
        {!idle && (
          <button
            type="button"
            class="erpb-icon-btn"
            onClick={reload}
            title={t.refresh}
            aria-label={t.refresh}
          >
            <span aria-hidden="true">↻</span>
          </button>
        )}
      </div>
      {body}
    </div>
  );
}

function Balance({
  summary,
  t,
  locale,
}: {
  summary: CustomerSummaryView;
  t: CustomerMessages;
  locale: string;
}) {
  if (!summary.balance)
    return (
      <p class="erpb-balance erpb-muted" data-balance="unknown">
        {t.balance_unknown}
      </p>
    );
  const { kind, amount } = balanceView(summary.balance, locale);
  return (
    <p class={`erpb-balance erpb-balance--${kind}`} data-balance={kind}>
      {fill(t[`balance_${kind}`], { amount })}
    </p>
  );
}

function Docs(props: {
  title: string;
  empty: string;
  docs: CustomerSummaryView['recentOrders'];
  t: CustomerMessages;
  locale: string;
}) {
  const { title, empty, docs, t, locale } = props;
  return (
    <>
      <p class="erpb-sub">{title}</p>
      {docs.length === 0 ? (
        <p class="erpb-muted">{empty}</p>
      ) : (
        <ul class="erpb-docs">
          {docs.map((d) => (
            <li key={d.id}>
              <span>
                {fill(t.doc, { number: d.number, date: formatDate(d.date, locale) })}
                {d.status && <span class="erpb-muted"> · {d.status}</span>}
              </span>
              <span class="erpb-num">{formatMoney(d.sum, locale)}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
