import type { ApiFailure } from '../api-client.js';
import type { SettingsMessages } from '../i18n.js';
import { failureText, Spinner } from '../ui/common.js';

export type SaveState =
  | { busy: true }
  | { ok: 'saved' | 'unchanged' }
  | { failure: ApiFailure }
  | { invalid: true }
  | null;

/**
 * Save, always in reach: sticky at the bottom of the page (Kommo asks for Save at the bottom of
 * settings: https://developers.kommo.com/docs/getting-listed), with what the last save did.
 */
export function SaveBar(props: { save: SaveState; dirty: boolean; t: SettingsMessages }) {
  const { save, dirty, t } = props;
  const failure = save && 'failure' in save ? save.failure : undefined;
  return (
    <div class="erpb-save-bar" data-dirty={dirty ? 'yes' : 'no'}>
      {failure && (
        <div class="erpb-error" role="alert" data-testid="erpb-settings-error">
          <p class="erpb-error-title">{t.invalid}</p>
          <ul class="erpb-field-errors">
            {(failure.errors?.length
              ? failure.errors.map((e) => `${e.path}: ${e.message}`)
              : [failureText(failure, t)]
            ).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      <div class="erpb-actions erpb-actions--save">
        <button
          type="submit"
          class="erpb-btn erpb-btn--primary"
          data-testid="erpb-settings-save"
          disabled={save !== null && 'busy' in save}
        >
          {save && 'busy' in save ? (
            <>
              <Spinner /> {t.saving}
            </>
          ) : (
            t.save
          )}
        </button>
        {save && 'ok' in save && (
          <span class="erpb-result erpb-result--ok" role="status" data-saved={save.ok}>
            {save.ok === 'saved' ? t.saved : t.no_changes}
          </span>
        )}
        {save && 'invalid' in save && (
          <span class="erpb-inline-error" role="alert">
            {t.invalid}: {t.fix_fields}
          </span>
        )}
        {!save && dirty && <span class="erpb-muted">{t.unsaved}</span>}
      </div>
    </div>
  );
}
