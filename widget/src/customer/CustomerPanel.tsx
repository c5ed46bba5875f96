import type { CustomerRef, CustomerSummaryView, LookupKey, CustomerPanel as Panel } from '@erp-bridge/shared';
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { type ApiFailure, type CustomerEntity, toFailure, type WidgetApiClient } from '../api-client.js';
import { balanceView, fill, formatAge, formatDate, formatDateTime, formatMoney, safeUrl } from '../format.js';
import type { CustomerMessages } from '../i18n.js';
import { isSavedLeadId } from '../panel/state.js';
import { ErrorBox, RefreshButton, Spinner, useLoad } from '../ui/common.js';
import { CustomerCreate } from './CustomerCreate.js';
import { CustomerSearch } from './CustomerSearch.js';

export interface CustomerPanelProps {
  entity: CustomerEntity;
  id: number;
  /** '' when no backend origin is known. */
  backend: string;
  api: Pick<
    WidgetApiClient,
    'customerSummary' | 'chooseCustomer' | 'unlinkCustomer' | 'searchCustomers' | 'createCustomer'
  >;
  t: CustomerMessages;
  locale: string;
  /** Told every state change before paint: not-configured | unsaved | loading | error | found | several | not_found. */
  onStateChange?: (kind: string) => void;
}

/** The ERP customer behind a contact or company card: balance, recent documents, or who it might be. */
export function CustomerPanel({ entity, id, backend, api, t, locale, onStateChange }: CustomerPanelProps) {
  const idle = backend === '' ? 'not-configured' : isSavedLeadId(id) ? null : 'unsaved';
  const [state, reload, setPanel] = useLoad<Panel | null>(
    () => (idle ? Promise.resolve(null) : api.customerSummary(entity, id)),
    [entity, id, idle],
  );
  const [choosing, setChoosing] = useState(false);
  const [chooseFailure, setChooseFailure] = useState<ApiFailure | null>(null);
  const panel = state.data;
  const kind = idle ?? (state.kind === 'error' ? 'error' : (panel?.status ?? 'loading'));
  useLayoutEffect(() => onStateChange?.(kind), [kind, onStateChange]);

  const root = useRef<HTMLElement>(null);
  // The pressed button goes away with the answer; keyboard focus stays in the panel.
  const settle = (next: Promise<unknown>) => {
    setChoosing(true);
    setChooseFailure(null);
    next.then(
      () => {
        setChoosing(false);
        root.current?.focus();
        reload();
      },
      (error: unknown) => {
        setChoosing(false);
        setChooseFailure(toFailure(error));
      },
    );
  };
  const choose = (customerId: string) => settle(api.chooseCustomer(entity, id, customerId));
  const unlink = () => settle(api.unlinkCustomer(entity, id).then((p) => setPanel(p)));
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
        {panel.via && (
          <p class="erpb-note" data-via-company={panel.via.id}>
            {fill(t.via_company, { company: panel.via.name })}
            {panel.searched && panel.searched.length > 0 && (
              <>
                {' '}
                {fill(t.searched_inline, {
                  list: panel.searched.map((x) => `${key(x.key)} ${x.value}`).join(', '),
                })}
              </>
            )}
          </p>
        )}
        {panel.stale && (
          <p class="erpb-stale" data-stale="true">
            {fill(t.stale, { time: formatDateTime(panel.asOf, locale), age: formatAge(panel.asOf, locale) })}
          </p>
        )}
        <Balance summary={s} t={t} locale={locale} />
        <Docs title={t.orders} empty={t.no_orders} docs={s.recentOrders} t={t} locale={locale} />
        <Docs title={t.invoices} empty={t.no_invoices} docs={s.recentInvoices} t={t} locale={locale} />
        <div class="erpb-actions">
          {link && (
            <a class="erpb-btn" href={link} target="_blank" rel="noopener noreferrer">
              {t.open_erp}
            </a>
          )}
          {panel.chosen && (
            <button
              type="button"
              class="erpb-btn"
              data-testid="erpb-unlink-customer"
              aria-disabled={choosing ? 'true' : undefined}
              onClick={() => !choosing && unlink()}
            >
              {t.not_this}
            </button>
          )}
        </div>
        {chooseFailure && <ErrorBox failure={chooseFailure} t={t} what={t.choose_failed} />}
      </>
    );
  } else if (panel.status === 'several') {
    body = (
      <>
        <p>{fill(t.several, { key: key(panel.matchedBy) })}</p>
        <Candidates items={panel.candidates} t={t} busy={choosing} onPick={choose} />
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
        <CustomerSearch
          t={t}
          byName={panel.canSearch === true}
          search={api.searchCustomers}
          render={(items) => <Candidates items={items} t={t} busy={choosing} onPick={choose} />}
        />
        {panel.canCreate && panel.draft?.name && (
          <CustomerCreate
            t={t}
            draft={panel.draft}
            create={() =>
              api.createCustomer(entity, id).then((p) => {
                setPanel(p);
                root.current?.focus();
              })
            }
          />
        )}
        {chooseFailure && <ErrorBox failure={chooseFailure} t={t} what={t.choose_failed} />}
      </>
    );
  }

  return (
    <section
      ref={root}
      class="erpb-panel erpb-customer"
      data-state={kind}
      aria-busy={kind === 'loading'}
      aria-labelledby="erpb-customer-title"
      tabIndex={-1}
    >
      <div class="erpb-head">
        <h3 class="erpb-title" id="erpb-customer-title">
          {t.title}
        </h3>
        {!idle && <RefreshButton label={t.refresh} onClick={reload} />}
      </div>
      {body}
    </section>
  );
}

function Candidates(props: {
  items: CustomerRef[];
  t: CustomerMessages;
  busy: boolean;
  onPick: (id: string) => void;
}) {
  const { items, t, busy, onPick } = props;
  return (
    <ul class="erpb-cands">
      {items.map((c) => (
        <li key={c.id}>
          <button
            type="button"
            class="erpb-cand"
            data-customer-id={c.id}
            aria-disabled={busy ? 'true' : undefined}
            onClick={() => !busy && onPick(c.id)}
          >
            <b>{c.name}</b>
            <span class="erpb-muted">
              {[c.inn && fill(t.inn, { inn: c.inn }), c.phone, c.email].filter(Boolean).join(' · ')}
            </span>
          </button>
        </li>
      ))}
    </ul>
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
      <h4 class="erpb-sub">{title}</h4>
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
