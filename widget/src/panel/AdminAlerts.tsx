import type { AlertList } from '@erp-bridge/shared';
import type { Messages } from '../i18n.js';
import { useLoad } from '../ui/common.js';

export interface AdminAlertsProps {
  loadAlerts(): Promise<AlertList | unknown>;
  /** The widget's advanced settings page, at its health section. */
  healthHref: string;
  t: Messages;
}

/**
 * The integration's open alerts over a card, for account administrators only: entry.ts mounts it
 * only for them, so a manager's card makes no extra call. Silent while loading, when nothing is
 * open and when the call fails (the panel below says on its own that the backend does not answer).
 */
export function AdminAlerts({ loadAlerts, healthHref, t }: AdminAlertsProps) {
  const [state] = useLoad(loadAlerts, []);
  const open = (state.data as AlertList | undefined)?.open;
  if (!Array.isArray(open) || !open.length) return null;
  const rules = [...new Set(open.map((a) => a.rule))];
  return (
    <section class="erpb-admin-alerts" aria-label={t.adm_alerts} data-alerts={open.length}>
      <p>{t.adm_alerts}</p>
      <ul>
        {rules.map((rule) => (
          <li key={rule} data-rule={rule}>
            {t[`adm_rule_${rule}` as keyof Messages]}
          </li>
        ))}
      </ul>
      {/* The settings page is the host's own page: leave the card for it in the top window. */}
      <a href={healthHref} target="_top">
        {t.adm_open_health}
      </a>
    </section>
  );
}
