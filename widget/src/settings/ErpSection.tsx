import type { ConnectionTestResult } from '@erp-bridge/shared';
import { useState } from 'preact/hooks';
import { toFailure, type WidgetApiClient } from '../api-client.js';
import { fill } from '../format.js';
import type { SettingsMessages } from '../i18n.js';
import { ErrorBox } from '../ui/common.js';
import { SelectField, TextField } from './fields.js';
import { connectionInput, ERP_FIELDS, type ErpKind } from './form.js';
import type { Op, SectionProps } from './section.js';

const KINDS: ErpKind[] = ['local', 'moysklad', 'onec', 'rest'];

/** The ERP connection: kind, public fields, write-only secrets, "Test connection". */
export function ErpSection(props: SectionProps & { api: Pick<WidgetApiClient, 'testConnection'> }) {
  const { view, draft, t, set, api } = props;
  const { erp } = draft;
  const [test, setTest] = useState<Op<ConnectionTestResult>>(null);
  const runTest = () => {
    setTest({ busy: true });
    api.testConnection(connectionInput(erp)).then(
      (ok) => setTest({ ok }),
      (error: unknown) => setTest({ failure: toFailure(error) }),
    );
  };
  return (
    <fieldset class="erpb-section" data-section="erp">
      <legend>{t.sec_erp}</legend>
      <SelectField
        label={t.kind}
        name="erp-kind"
        value={erp.kind}
        options={KINDS.map((k) => [k, t[`kind_${k}`]])}
        onValue={(kind) => set('erp', { kind: kind as ErpKind })}
      />
      {ERP_FIELDS[erp.kind].fields.map((name) => (
        <TextField
          key={name}
          label={t[`f_${name}` as keyof SettingsMessages]}
          name={`erp-${name}`}
          value={erp.fields[name] ?? ''}
          onValue={(v) => set('erp', { fields: { ...erp.fields, [name]: v } })}
        />
      ))}
      {ERP_FIELDS[erp.kind].secrets.map((name) => {
        const isSet = view.erp.kind === erp.kind && view.erp.secrets[name] === 'set';
        return (
          <TextField
            key={name}
            label={t[`f_${name}` as keyof SettingsMessages]}
            badge={
              <span
                class={`erpb-badge erpb-badge--${isSet ? 'ok' : 'unknown'}`}
                data-secret={isSet ? 'set' : 'not set'}
              >
                {isSet ? t.secret_set : t.secret_not_set}
              </span>
            }
            hint={t.secret_hint}
            secret
            name={`erp-${name}`}
            value={erp.secrets[name] ?? ''}
            onValue={(v) => set('erp', { secrets: { ...erp.secrets, [name]: v } })}
          />
        );
      })}
      <div class="erpb-actions">
        <button
          type="button"
          class="erpb-btn"
          data-testid="erpb-test-connection"
          disabled={test?.busy}
          onClick={runTest}
        >
          {test?.busy ? t.testing : t.test}
        </button>
      </div>
      {test?.ok && (
        <p
          class={`erpb-result erpb-result--${test.ok.ok ? 'ok' : 'fail'}`}
          role="status"
          data-test-result={test.ok.ok ? 'ok' : 'fail'}
        >
          {/* Worded here by code: the server's sentence is English, for logs and API users. */}
          <b>{test.ok.ok ? t.test_ok : t.test_fail}</b>
          {!test.ok.ok && `: ${testFailureText(test.ok.code, t)}`}
          {test.ok.warehouses && test.ok.warehouses.length > 0 && (
            <span class="erpb-muted"> {fill(t.warehouses, { list: test.ok.warehouses.join(', ') })}</span>
          )}
        </p>
      )}
      {test?.failure && <ErrorBox failure={test.failure} t={t} what={t.test_fail} />}
    </fieldset>
  );
}

/** Why "Test connection" failed, in the admin's language. */
function testFailureText(code: string | undefined, t: SettingsMessages): string {
  if (code === 'erp.auth_failed') return t.err_erp_auth;
  if (code === 'erp.not_configured') return t.err_erp_config;
  if (code === 'erp.rate_limited') return t.err_rate;
  return t.err_erp;
}
