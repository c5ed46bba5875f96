import type { OperatorHealth } from '@erp-bridge/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiFailure } from '../api-client.js';
import { fill, formatDateTime } from '../format.js';
import type { SettingsMessages } from '../i18n.js';
import { ErrorBox, Spinner, useLoad } from '../ui/common.js';
import { AlertSettingsForm } from './AlertSettingsForm.js';
import { downloadJournalCsv } from './journal-csv.js';
import type { OperatorProps as Props } from './operator-api.js';

/** The id of the health section, the target of the card banner's link (entry.ts). */
const HEALTH_ANCHOR = 'erpb-health';

// Note: never name a variable `h`: classic JSX compiles to h(...) calls.
const ruleText = (t: SettingsMessages, rule: string) => t[`alert_${rule}` as keyof SettingsMessages] ?? rule;

/** Open alerts, on top of the settings page (admins only see this page). */
export function AlertBanner({ api, t }: Props) {
  const [state] = useLoad(() => api.alerts(), []);
  const open = state.data?.open ?? [];
  if (!open.length) return null;
  return (
    <div class="erpb-msg erpb-msg--warn erpb-alerts" role="alert" data-alerts={open.length}>
      <strong>{t.alerts_open}</strong>
      <ul>
        {open.map((a) => (
          <li key={a.id} data-rule={a.rule}>
            {ruleText(t, a.rule)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Per account: amoCRM, ERP, webhooks, guard today, last alerts (the health section's second part). */
export function OperatorHealthView({
  api,
  t,
  locale,
  onJournal,
}: Props & { onJournal(errors: boolean): void }) {
  const [state, reload] = useLoad(() => api.health(), []);
  const health: OperatorHealth | undefined = state.data;
  if (state.kind === 'error' && !health) return <ErrorBox failure={state.failure} t={t} onRetry={reload} />;
  if (!health) return <Spinner />;
  const time = (iso: string | null) => (iso ? formatDateTime(iso, locale) : t.h_never);
  const mins = (s: number | null) =>
    s === null ? t.h_never : fill(t.op_minutes, { n: String(Math.round(s / 60)) });
  const rows: [string, string, boolean?][] = [
    [
      t.op_amocrm,
      `${health.amocrm.connected ? t.h_ok : t.op_disconnected}; ${t.op_token_age} ${mins(health.amocrm.tokenAgeSeconds)}`,
      !health.amocrm.connected,
    ],
    [
      t.op_erp_success,
      `${t[`circuit_${health.erp.circuit.replace('-', '_')}` as keyof SettingsMessages] ?? health.erp.circuit}; ${time(health.erp.lastSuccessAt)}`,
      health.erp.circuit === 'open',
    ],
    [t.op_lag, mins(health.webhooks.lagSeconds)],
    [
      t.op_backlog,
      fill(t.op_backlog_v, {
        n: String(health.webhooks.backlog),
        age: mins(health.webhooks.oldestPendingSeconds),
      }),
    ],
    [
      t.op_guard_today,
      fill(t.op_guard_v, {
        b: String(health.guardToday.blocked),
        u: String(health.guardToday.unblocked),
        w: String(health.guardToday.warned),
      }),
    ],
    [
      t.op_last_alerts,
      health.alerts.map((a) => `${ruleText(t, a.rule)}${a.resolvedAt ? ' ✓' : ''}`).join('; ') || t.h_never,
      health.alerts.some((a) => !a.resolvedAt),
    ],
  ];
  return (
    <div data-section="operator-health">
      <dl class="erpb-health">
        {rows.map(([label, value, bad]) => (
          <div key={label} class={bad ? 'erpb-health-row erpb-health-row--bad' : 'erpb-health-row'}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p>
        <button type="button" class="erpb-btn erpb-btn--small" onClick={() => onJournal(false)}>
          {t.op_open_journal}
        </button>{' '}
        <button type="button" class="erpb-btn erpb-btn--small" onClick={() => onJournal(true)}>
          {t.op_open_errors}
        </button>
      </p>
    </div>
  );
}

/** "Журнал": the account's requests, filterable (24 h / 7 days, errors only, by deal), CSV export. */
export function Journal({ api, t, locale, errorsOnly }: Props & { errorsOnly: boolean }) {
  const [hours, setHours] = useState(24);
  const [errors, setErrors] = useState(errorsOnly);
  const [lead, setLead] = useState('');
  const leadId = /^\d{1,15}$/.test(lead) ? Number(lead) : undefined;
  const [state, reload] = useLoad(() => api.journal({ hours, errors, leadId }), [hours, errors, leadId]);
  const entries = state.data?.entries ?? [];
  const [csv, setCsv] = useState<'idle' | 'busy' | ApiFailure>('idle');
  const exportCsv = () => {
    setCsv('busy');
    downloadJournalCsv(api, { hours, errors, leadId }).then(
      () => setCsv('idle'),
      (failure: ApiFailure) => setCsv(failure),
    );
  };
  return (
    <fieldset class="erpb-section" data-section="journal">
      <legend>{t.sec_journal}</legend>
      <div class="erpb-journal-filters">
        <label>
          {t.j_period}{' '}
          <select
            value={String(hours)}
            onChange={(e) => setHours(Number((e.target as HTMLSelectElement).value))}
          >
            <option value="24">{t.j_24h}</option>
            <option value="168">{t.j_7d}</option>
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={errors}
            onChange={(e) => setErrors((e.target as HTMLInputElement).checked)}
          />{' '}
          {t.j_errors}
        </label>
        <label>
          {t.j_deal}{' '}
          <input
            type="text"
            inputMode="numeric"
            size={10}
            value={lead}
            onInput={(e) => setLead((e.target as HTMLInputElement).value.trim())}
          />
        </label>
        <button type="button" class="erpb-btn erpb-btn--small" onClick={reload}>
          {t.j_refresh}
        </button>{' '}
        <button
          type="button"
          class="erpb-btn erpb-btn--small"
          disabled={!entries.length || csv === 'busy'}
          aria-busy={csv === 'busy'}
          onClick={exportCsv}
        >
          {csv === 'busy' ? t.j_csv_busy : t.j_csv}
        </button>
      </div>
      {typeof csv === 'object' && <ErrorBox failure={csv} t={t} what={t.j_csv_failed} onRetry={exportCsv} />}
      {state.kind === 'error' && <ErrorBox failure={state.failure} t={t} onRetry={reload} />}
      {state.kind === 'loading' && <Spinner />}
      {state.kind === 'ok' && !entries.length && <p class="erpb-msg">{t.j_empty}</p>}
      {Boolean(state.data?.dropped) && (
        <p class="erpb-msg erpb-msg--warn" data-journal-dropped={state.data?.dropped}>
          {fill(t.j_dropped, { n: String(state.data?.dropped) })}
        </p>
      )}
      {entries.length > 0 && (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1)
        <section class="erpb-journal-scroll" tabIndex={0} aria-label={t.sec_journal}>
          <table class="erpb-journal">
            <thead>
              <tr>
                <th scope="col">{t.j_time}</th>
                <th scope="col">{t.j_request}</th>
                <th scope="col">{t.j_status}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr
                  key={e.id}
                  class={e.status === 0 || e.status >= 400 ? 'erpb-journal-row--bad' : undefined}
                >
                  <td>{formatDateTime(e.at, locale)}</td>
                  <td>
                    {e.direction === 'in' ? '→' : '←'} {e.system} {e.method}{' '}
                    <span class="erpb-url">{e.path}</span>
                    {e.leadId ? ` #${e.leadId}` : ''}
                  </td>
                  <td>
                    {e.status || t.j_no_answer} · {e.latencyMs} ms{e.attempt > 1 ? ` · ×${e.attempt}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </fieldset>
  );
}

/** The operator part of the settings page: alerts banner, health per account, journal, alert channels. */
export function OperatorSection(props: Props & { users: { id: number; name: string }[] }) {
  const [journal, setJournal] = useState<{ errors: boolean; n: number }>({ errors: false, n: 0 });
  const health = useRef<HTMLFieldSetElement>(null);
  // The card's alert banner links here (#erpb-health); the page draws after the host's own
  // navigation, so the browser could not scroll to it by itself.
  useEffect(() => {
    if (location.hash !== `#${HEALTH_ANCHOR}`) return;
    health.current?.scrollIntoView({ block: 'start' });
    health.current?.focus({ preventScroll: true });
  }, []);
  return (
    <div class="erpb-operator">
      <fieldset class="erpb-section" data-section="operator" id={HEALTH_ANCHOR} tabIndex={-1} ref={health}>
        <legend>{props.t.sec_operator}</legend>
        <OperatorHealthView {...props} onJournal={(errors) => setJournal((j) => ({ errors, n: j.n + 1 }))} />
      </fieldset>
      <Journal key={journal.n} {...props} errorsOnly={journal.errors} />
      <AlertSettingsForm {...props} />
    </div>
  );
}
