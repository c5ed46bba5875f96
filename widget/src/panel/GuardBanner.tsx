import type { GuardActionDone, GuardHistory, StockCheckResult } from '@erp-bridge/shared';
import { useState } from 'preact/hooks';
import { type ApiFailure, toFailure } from '../api-client.js';
import { fill, formatDateTime, formatQty } from '../format.js';
import type { Messages } from '../i18n.js';
import { failureText, Spinner, unreachable, useLoad } from '../ui/common.js';
import { guardView } from './guard-view.js';

export interface GuardBannerProps {
  leadId: number;
  loadGuard: (leadId: number) => Promise<GuardHistory>;
  checkStock: (leadId: number) => Promise<StockCheckResult>;
  /** After a successful "Check again": the rest of the panel reloads too. */
  onChecked: () => void;
  t: Messages;
  locale: string;
}

const TITLE = { blocked: 'guard_blocked', not_gated: 'guard_not_gated', warn: 'guard_warn' } as const;

/**
 * The stock guard's last decision on this deal: a red banner when it stopped the deal, amber when
 * stock is short outside the guarded stages, a grey hint when stock is unknown and only warned
 * about; nothing while the guard is off or content. `data-state` carries the verdict for tests.
 */
export function GuardBanner({ leadId, loadGuard, checkStock, onChecked, t, locale }: GuardBannerProps) {
  const [state, reload] = useLoad(() => loadGuard(leadId), [leadId, loadGuard]);
  const [checking, setChecking] = useState(false);
  const [checkFailure, setCheckFailure] = useState<ApiFailure | null>(null);
  const history = state.data;

  if (!history) {
    // The backend not answering is said once, for the whole panel, by the stock part.
    return state.kind === 'error' && !unreachable(state.failure) ? (
      <div class="erpb-guard erpb-guard--error" data-state="error" role="status">
        {t.guard_error}{' '}
        <button type="button" class="erpb-link" onClick={reload}>
          {t.retry}
        </button>
      </div>
    ) : (
      <div class="erpb-guard" data-state="loading" hidden />
    );
  }
  const { state: look, latest, record } = guardView(history);
  if (!latest || !record || !(look in TITLE)) return <div class="erpb-guard" data-state={look} hidden />;
  const verdict = latest.verdict;

  const check = () => {
    setChecking(true);
    setCheckFailure(null);
    checkStock(leadId).then(
      () => {
        setChecking(false);
        reload();
        onChecked();
      },
      (error: unknown) => {
        setChecking(false);
        setCheckFailure(toFailure(error));
      },
    );
  };
  const qty = (n: number | null) => (n === null ? t.status_unknown : formatQty(n, locale));

  return (
    <div
      class={`erpb-guard erpb-guard--${look}`}
      data-state={look}
      data-verdict={verdict}
      // A status, not an alert: the banner is there on every open of the card, not news.
      role="status"
    >
      <h4 class="erpb-guard-title">{t[TITLE[look as keyof typeof TITLE]]}</h4>
      <ul class="erpb-guard-reasons">
        {latest.reasons.map((r) => (
          <li key={`${r.sku}|${r.name}`} data-reason-sku={r.sku ?? ''}>
            <b>{r.name}</b> <span class="erpb-muted">{r.sku ?? t.no_sku}</span>
            <div>{fill(t.guard_need, { requested: qty(r.requested), free: qty(r.freeTotal) })}</div>
            {r.warehouses.length > 0 && (
              <div class="erpb-muted">
                {r.warehouses
                  .map((w) => `${w.warehouseName}: ${w.free === null ? '?' : qty(w.free)}`)
                  .join(' · ')}
              </div>
            )}
          </li>
        ))}
      </ul>
      <p class="erpb-guard-meta">
        {fill(t.guard_last, {
          time: formatDateTime(record.at, locale),
          cause: t[`cause_${record.cause}` as keyof Messages],
        })}
        {record.actions.length > 0 && (
          <>
            {' '}
            · {fill(t.guard_actions, { actions: record.actions.map((a) => describeAction(a, t)).join('; ') })}
          </>
        )}
      </p>
      <button
        type="button"
        class="erpb-btn"
        data-testid="erpb-check-again"
        disabled={checking || state.kind === 'loading'}
        onClick={check}
      >
        {checking ? (
          <>
            <Spinner /> {t.checking}
          </>
        ) : (
          t.check_again
        )}
      </button>
      {checkFailure && (
        <p class="erpb-inline-error" role="status">
          {failureText(checkFailure, t)}
        </p>
      )}
    </div>
  );
}

/** One thing the guard did, in the user's words. */
export function describeAction(a: GuardActionDone, t: Messages): string {
  switch (a.type) {
    case 'moved':
      return fill(t.action_moved, { to: a.toName ? `«${a.toName}»` : `#${a.to.statusId}` });
    case 'tag_added':
      return fill(t.action_tag_added, { tag: a.tag });
    case 'tag_removed':
      return fill(t.action_tag_removed, { tag: a.tag });
    default:
      return t[`action_${a.type}`];
  }
}
