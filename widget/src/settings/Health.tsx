import type { SettingsView } from '@erp-bridge/shared';
import { fill, formatDateTime } from '../format.js';
import type { SettingsMessages } from '../i18n.js';

/** Installation, webhooks, amoCRM and ERP state, and the URLs amoCRM posts to. */
export function Health({ view, t, locale }: { view: SettingsView; t: SettingsMessages; locale: string }) {
  const { installation, webhooks, amocrm, erp } = view.health;
  const time = (iso: string | null) => (iso ? formatDateTime(iso, locale) : t.h_never);
  const rows: [string, string, string?][] = [
    [
      t.h_install,
      fill(t.h_account, {
        id: String(installation.accountId),
        subdomain: installation.subdomain,
        status: installation.status,
      }) + (installation.authError ? ` — ${installation.authError}` : ''),
      installation.authError ? 'bad' : undefined,
    ],
    [
      t.h_webhooks,
      fill(t.h_hooks, {
        received: String(webhooks.received),
        pending: String(webhooks.pending),
        last: time(webhooks.lastReceivedAt),
      }),
    ],
    [t.h_webhook_url, installation.webhookUrl],
    [t.h_dp_url, installation.dpWebhookUrl],
    [
      t.h_amocrm,
      amocrm.blockedUntil ? fill(t.h_blocked, { time: time(amocrm.blockedUntil) }) : t.h_ok,
      amocrm.blockedUntil ? 'bad' : undefined,
    ],
    [
      t.h_erp,
      t[`circuit_${erp.circuit.replace('-', '_')}` as keyof SettingsMessages],
      erp.circuit === 'closed' ? undefined : 'bad',
    ],
  ];
  return (
    <fieldset class="erpb-section" data-section="health">
      <legend>{t.sec_health}</legend>
      <dl class="erpb-health">
        {rows.map(([label, value, bad]) => (
          <div key={label} class={bad ? 'erpb-health-row erpb-health-row--bad' : 'erpb-health-row'}>
            <dt>{label}</dt>
            <dd class={value.startsWith('http') ? 'erpb-url' : undefined}>{value}</dd>
          </div>
        ))}
      </dl>
    </fieldset>
  );
}
