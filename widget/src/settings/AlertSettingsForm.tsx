import { useState } from 'preact/hooks';
import { fill } from '../format.js';
import { useLoad } from '../ui/common.js';
import type { OperatorProps } from './operator-api.js';

type Props = OperatorProps & { users: { id: number; name: string }[] };

/** Where alerts go: the admin who gets the amoCRM task, the outgoing webhook URL and its secret. */
export function AlertSettingsForm({ api, t, users }: Props) {
  const [state, , setView] = useLoad(() => api.alertSettings(), []);
  const [url, setUrl] = useState<string | null>(null);
  const [secret, setSecret] = useState('');
  const [admin, setAdmin] = useState<string | null>(null);
  const [saved, setSaved] = useState<'ok' | 'failed' | null>(null);
  const v = state.data;
  if (!v) return null;
  const save = () => {
    api
      .saveAlertSettings({
        ...(admin !== null && { adminUserId: admin ? Number(admin) : null }),
        ...(url !== null && { webhookUrl: url || null }),
        ...(secret && { webhookSecret: secret }),
      })
      .then(
        (next) => {
          setView(next);
          setSecret('');
          setSaved('ok');
        },
        () => setSaved('failed'),
      );
  };
  return (
    <fieldset class="erpb-section" data-section="alerts">
      <legend>{t.sec_alerts}</legend>
      <label class="erpb-field">
        {t.al_admin}
        <select
          value={admin ?? String(v.adminUserId ?? '')}
          onChange={(e) => setAdmin((e.target as HTMLSelectElement).value)}
        >
          <option value="">—</option>
          {users.map((u) => (
            <option key={u.id} value={String(u.id)}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <label class="erpb-field">
        {t.al_url}
        <input
          type="url"
          value={url ?? v.webhookUrl ?? ''}
          onInput={(e) => setUrl((e.target as HTMLInputElement).value.trim())}
        />
      </label>
      <label class="erpb-field">
        {fill(t.al_secret, { state: v.webhookSecret === 'set' ? t.al_set : t.al_not_set })}
        <input
          type="password"
          autoComplete="new-password"
          value={secret}
          onInput={(e) => setSecret((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="button" class="erpb-btn" onClick={save}>
        {t.al_save}
      </button>{' '}
      {saved && <span role="status">{saved === 'ok' ? t.al_saved : t.al_failed}</span>}
    </fieldset>
  );
}
