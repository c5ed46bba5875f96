import type { CustomerDraft } from '@erp-bridge/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiFailure, toFailure } from '../api-client.js';
import { fill } from '../format.js';
import type { CustomerMessages } from '../i18n.js';
import { ErrorBox, Spinner } from '../ui/common.js';

/**
 * "Create the customer in the ERP" for a card nobody matched, where the connector can: one button,
 * then a confirm step naming what will be sent (the server reads the card itself); Escape cancels.
 */
export function CustomerCreate(props: {
  t: CustomerMessages;
  draft: CustomerDraft;
  create: () => Promise<unknown>;
}) {
  const { t, draft, create } = props;
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) confirmRef.current?.focus();
  }, [open]);
  const close = () => {
    setOpen(false);
    setFailure(null);
    // Focus goes back where it came from, never to the page.
    setTimeout(() => openRef.current?.focus());
  };
  const confirm = () => {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    create().then(
      () => setBusy(false),
      (err: unknown) => {
        setBusy(false);
        setFailure(toFailure(err));
      },
    );
  };
  if (!open)
    return (
      <div class="erpb-actions">
        <button
          ref={openRef}
          type="button"
          class="erpb-btn"
          data-testid="erpb-create-customer"
          onClick={() => setOpen(true)}
        >
          {t.create}
        </button>
      </div>
    );
  const rows: [string, string | null][] = [
    [t.create_name, draft.name],
    [t.key_inn, draft.inn],
    [t.key_phone, draft.phone],
    [t.key_email, draft.email],
  ];
  return (
    <fieldset
      class="erpb-confirm"
      data-testid="erpb-create-confirm"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !busy) {
          e.stopPropagation();
          close();
        }
      }}
    >
      <legend class="erpb-sub">{t.create_title}</legend>
      <ul class="erpb-searched">
        {rows
          .filter((r): r is [string, string] => !!r[1])
          .map(([label, value]) => (
            <li key={label}>
              {label}: {value}
            </li>
          ))}
      </ul>
      {draft.inn && <p class="erpb-muted">{fill(t.create_hint, { inn: draft.inn })}</p>}
      {failure && <ErrorBox failure={failure} t={t} what={t.create_failed} />}
      <div class="erpb-actions">
        <button
          ref={confirmRef}
          type="button"
          class="erpb-btn erpb-btn--primary"
          data-testid="erpb-confirm-create"
          aria-disabled={busy ? 'true' : undefined}
          onClick={confirm}
        >
          {busy && <Spinner />} {t.create_confirm}
        </button>
        <button
          type="button"
          class="erpb-btn"
          aria-disabled={busy ? 'true' : undefined}
          onClick={() => !busy && close()}
        >
          {t.create_cancel}
        </button>
      </div>
    </fieldset>
  );
}
