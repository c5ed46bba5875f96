import type { CustomerRef, CustomerSearchResult } from '@erp-bridge/shared';
import type { ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import { type ApiFailure, toFailure } from '../api-client.js';
import type { CustomerMessages } from '../i18n.js';
import { failureText, Spinner } from '../ui/common.js';

/**
 * "Search in the ERP" for a card nobody matched: by INN with every ERP, by name where the
 * connector can (`byName`). The hits are rendered by the caller (the same candidates as "several").
 */
export function CustomerSearch(props: {
  t: CustomerMessages;
  byName: boolean;
  search: (q: string) => Promise<CustomerSearchResult>;
  render: (items: CustomerRef[]) => ComponentChild;
}) {
  const { t, byName, search, render } = props;
  const [q, setQ] = useState('');
  const [busy, setBusy] = useState(false);
  const [items, setItems] = useState<CustomerRef[] | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    if (busy || q.trim().length < 2) return;
    setBusy(true);
    setFailure(null);
    search(q.trim()).then(
      (r) => {
        setBusy(false);
        setItems(r.items);
      },
      (err: unknown) => {
        setBusy(false);
        setFailure(toFailure(err));
      },
    );
  };
  const label = byName ? t.search_label : t.search_label_inn;
  return (
    <form class="erpb-search" onSubmit={submit} aria-label={t.search_title}>
      <label class="erpb-label" for="erpb-customer-q">
        {label}
      </label>
      <div class="erpb-row">
        <input
          id="erpb-customer-q"
          class="erpb-input"
          type="search"
          value={q}
          autoComplete="off"
          inputMode={byName ? 'text' : 'numeric'}
          onInput={(e) => setQ((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="erpb-btn erpb-btn--small" data-testid="erpb-customer-search">
          {busy ? <Spinner /> : null} {t.search}
        </button>
      </div>
      <p class="erpb-sr" role="status">
        {items
          ? items.length === 0
            ? t.search_none
            : t.search_found.replace('{n}', String(items.length))
          : ''}
      </p>
      {items && items.length === 0 && <p class="erpb-muted">{t.search_none}</p>}
      {items && items.length > 0 && render(items)}
      {failure && <p class="erpb-inline-error">{failureText(failure, t)}</p>}
    </form>
  );
}
