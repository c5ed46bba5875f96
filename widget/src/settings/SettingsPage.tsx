import type { ConnectionTestResult, GuardRules, LookupKey, SettingsView, Stage } from '@erp-bridge/shared';
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';
import { type ApiFailure, toFailure, type WidgetApiClient } from '../api-client.js';
import { fill, formatDateTime } from '../format.js';
import type { SettingsMessages } from '../i18n.js';
import { ErrorBox, failureText, Spinner, useLoad } from '../ui/common.js';
import {
  connectionInput,
  draftFrom,
  ERP_FIELDS,
  type ErpKind,
  type SettingsDraft,
  settingsUpdate,
} from './form.js';

export interface SettingsPageProps {
  backend: string;
  api: Pick<WidgetApiClient, 'settings' | 'saveSettings' | 'testConnection' | 'guardSetup'>;
  t: SettingsMessages;
  locale: string;
  /** Account users (from AMOCRM.constant('managers')) to help with the id lists. */
  users: { id: number; name: string }[];
  /** not-configured | loading | error | forbidden | ready */
  onStateChange?: (kind: string) => void;
}

/** A call's progress: idle, busy, its answer, or its failure. */
type Op<T> = { busy?: boolean; ok?: T; failure?: ApiFailure } | null;

const KINDS: ErpKind[] = ['local', 'moysklad', 'onec', 'rest'];
const KEYS: LookupKey[] = ['inn', 'phone', 'email'];

/** The advanced settings page (admins only: the server answers others 403 auth.forbidden). */
export function SettingsPage({ backend, api, t, locale, users, onStateChange }: SettingsPageProps) {
  const [state, reload, setView] = useLoad<SettingsView | null>(
    () => (backend ? api.settings() : Promise.resolve(null)),
    [backend],
  );
  const view = state.data;
  const [draft, setDraft] = useState<SettingsDraft | null>(null);
  // A layout effect: the form is rebuilt from a new view (after a save) before anything is painted or clicked.
  useLayoutEffect(() => setDraft(view ? draftFrom(view) : null), [view]);
  const [save, setSave] = useState<(NonNullable<Op<'saved' | 'unchanged'>> & { badIds?: string[] }) | null>(
    null,
  );
  const [test, setTest] = useState<Op<ConnectionTestResult>>(null);
  const [gate, setGate] = useState<Op<boolean>>(null);

  const kind = !backend
    ? 'not-configured'
    : state.kind === 'error' && !view
      ? state.failure.status === 403
        ? 'forbidden'
        : 'error'
      : view && draft
        ? 'ready'
        : 'loading';
  useLayoutEffect(() => onStateChange?.(kind), [kind, onStateChange]);

  let body: ComponentChildren;
  if (kind === 'not-configured') body = <p class="erpb-msg erpb-msg--warn">{t.not_configured}</p>;
  else if (kind === 'forbidden')
    body = (
      <p class="erpb-msg erpb-msg--warn" role="alert">
        {t.forbidden}
      </p>
    );
  else if (state.kind === 'error' && !view)
    body = <ErrorBox failure={state.failure} t={t} onRetry={reload} />;
  else if (!view || !draft)
    body = (
      <p class="erpb-msg">
        <Spinner /> {t.loading}
      </p>
    );
  else {
    const set = <K extends keyof SettingsDraft>(section: K, patch: Partial<SettingsDraft[K]>) => {
      setDraft({ ...draft, [section]: { ...draft[section], ...patch } });
      setSave(null);
    };
    const setGuard = (patch: Partial<GuardRules>) => set('guard', patch);
    const { erp, guard, fields } = draft;
    const run = <T,>(setOp: (op: Op<T>) => void, call: () => Promise<T>) => {
      setOp({ busy: true });
      call().then(
        (ok) => setOp({ ok }),
        (error: unknown) => setOp({ failure: toFailure(error) }),
      );
    };
    const submit = (event: Event) => {
      event.preventDefault();
      const result = settingsUpdate(view, draft);
      if (!result.ok) return setSave({ badIds: result.badIds });
      if (Object.keys(result.update).length === 0) return setSave({ ok: 'unchanged' });
      setSave({ busy: true });
      // The answer is the saved view: the form restarts from it (typed secrets are cleared).
      api.saveSettings(result.update).then(
        (saved) => {
          setSave({ ok: 'saved' });
          setView(saved);
        },
        (error: unknown) => setSave({ failure: toFailure(error) }),
      );
    };
    const stages = guard.gatedStages;
    const setStages = (next: Stage[]) => setGuard({ gatedStages: next });
    const action = guard.action;
    const order = fields.customerLookupOrder;
    const idsField = (name: keyof SettingsDraft['ids'], label: string) => (
      <TextField
        label={label}
        error={save?.badIds?.includes(name) ? t.bad_ids : undefined}
        value={draft.ids[name]}
        onValue={(v) => set('ids', { [name]: v })}
      />
    );

    body = (
      <form
        class="erpb-form"
        onSubmit={submit}
        noValidate
        data-save-state={save?.busy ? 'saving' : (save?.ok ?? (save ? 'failed' : 'idle'))}
      >
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
              onClick={() => run(setTest, () => api.testConnection(connectionInput(erp)))}
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
              <b>{test.ok.ok ? t.test_ok : t.test_fail}</b>: {test.ok.detail}
              {test.ok.warehouses && test.ok.warehouses.length > 0 && (
                <span class="erpb-muted"> {fill(t.warehouses, { list: test.ok.warehouses.join(', ') })}</span>
              )}
            </p>
          )}
          {test?.failure && <ErrorBox failure={test.failure} t={t} what={t.test_fail} />}
        </fieldset>

        <fieldset class="erpb-section" data-section="guard">
          <legend>{t.sec_guard}</legend>
          <Check
            label={t.guard_enabled}
            checked={guard.enabled}
            onChange={(enabled) => setGuard({ enabled })}
          />
          <div class="erpb-field">
            <span class="erpb-label">{t.gated}</span>
            {stages.map((stage, i) => (
              <StageInputs
                key={i}
                stage={stage}
                t={t}
                onChange={(s) => setStages(stages.map((x, j) => (j === i ? s : x)))}
              >
                <button
                  type="button"
                  class="erpb-btn erpb-btn--small"
                  onClick={() => setStages(stages.filter((_, j) => j !== i))}
                >
                  {t.remove}
                </button>
              </StageInputs>
            ))}
            <button
              type="button"
              class="erpb-btn erpb-btn--small"
              data-testid="erpb-add-stage"
              onClick={() =>
                setStages([...stages, { pipelineId: stages.at(-1)?.pipelineId ?? 0, statusId: 0 }])
              }
            >
              {t.add_stage}
            </button>
            <span class="erpb-hint">{t.gated_hint}</span>
          </div>
          <SelectField
            label={t.unknown_stock}
            value={guard.unknownStock}
            options={(['warn', 'block'] as const).map((k) => [k, t[`unknown_${k}`]])}
            onValue={(v) => setGuard({ unknownStock: v as GuardRules['unknownStock'] })}
          />
          <SelectField
            label={t.action}
            name="guard-action"
            value={action.type}
            options={(['move_back', 'move_to', 'flag_only'] as const).map((k) => [k, t[`action_${k}`]])}
            onValue={(v) => {
              const type = v as GuardRules['action']['type'];
              setGuard({
                action: type === 'move_to' ? { type, stage: { pipelineId: 0, statusId: 0 } } : { type },
              });
            }}
          />
          {action.type === 'move_to' && (
            <StageInputs
              stage={action.stage}
              t={t}
              onChange={(stage) => setGuard({ action: { type: 'move_to', stage } })}
            />
          )}
          <TextField label={t.tag} value={guard.tag} onValue={(tag) => setGuard({ tag })} />
          <Check
            label={t.create_task}
            checked={guard.createTask}
            onChange={(createTask) => setGuard({ createTask })}
          />
          <Field label={t.task_user} hint={t.task_user_hint}>
            <NumberInput
              value={guard.taskResponsibleUserId}
              onChange={(n) => setGuard({ taskResponsibleUserId: n })}
            />
          </Field>
          <div class="erpb-actions">
            {[true, false].map((enable) => (
              <button
                key={String(enable)}
                type="button"
                class="erpb-btn"
                data-testid={enable ? 'erpb-guard-setup' : 'erpb-guard-lift'}
                disabled={gate?.busy}
                onClick={() => run(setGate, () => api.guardSetup(enable).then(() => enable))}
              >
                {enable ? t.gate_setup : t.gate_lift}
              </button>
            ))}
            {gate?.busy && <Spinner />}
          </div>
          {gate?.ok !== undefined && (
            <p class="erpb-result erpb-result--ok" role="status" data-gate={gate.ok ? 'on' : 'off'}>
              {gate.ok ? t.gate_done : t.gate_lifted}
            </p>
          )}
          {gate?.failure && <ErrorBox failure={gate.failure} t={t} />}
        </fieldset>

        <fieldset class="erpb-section" data-section="invoices">
          <legend>{t.sec_invoices}</legend>
          {idsField('allowedUserIds', t.user_ids)}
          {idsField('allowedGroupIds', t.group_ids)}
          <p class="erpb-hint">
            {t.ids_hint}
            {users.length > 0 && (
              <> {fill(t.known_users, { list: users.map((u) => `${u.name} (${u.id})`).join(', ') })}</>
            )}
          </p>
          <Field label={t.number_field}>
            <NumberInput
              value={draft.invoices.numberFieldId}
              onChange={(numberFieldId) => set('invoices', { numberFieldId })}
            />
          </Field>
          <Check
            label={t.invoices_catalog}
            checked={draft.invoices.addToInvoicesCatalog}
            onChange={(addToInvoicesCatalog) => set('invoices', { addToInvoicesCatalog })}
          />
        </fieldset>

        <fieldset class="erpb-section" data-section="fields">
          <legend>{t.sec_fields}</legend>
          <TextField
            label={t.sku_code}
            value={fields.skuFieldCode}
            onValue={(skuFieldCode) => set('fields', { skuFieldCode })}
          />
          <TextField
            label={t.price_code}
            value={fields.priceFieldCode}
            onValue={(priceFieldCode) => set('fields', { priceFieldCode })}
          />
          <div class="erpb-field">
            <span class="erpb-label">{t.lookup}</span>
            <ol class="erpb-order">
              {[...order, ...KEYS.filter((k) => !order.includes(k))].map((k, i) => {
                const on = order.includes(k);
                return (
                  <li key={k} data-lookup={k}>
                    <Check
                      label={t[`key_${k}`]}
                      checked={on}
                      onChange={() =>
                        set('fields', {
                          customerLookupOrder: on
                            ? order.length > 1
                              ? order.filter((x) => x !== k)
                              : order
                            : [...order, k],
                        })
                      }
                    />
                    {on && i > 0 && (
                      <button
                        type="button"
                        class="erpb-icon-btn"
                        aria-label={fill(t.move_up, { key: t[`key_${k}`] })}
                        title={fill(t.move_up, { key: t[`key_${k}`] })}
                        onClick={() => {
                          const next = [...order];
                          next.splice(i - 1, 2, k, order[i - 1] as LookupKey);
                          set('fields', { customerLookupOrder: next });
                        }}
                      >
                        <span aria-hidden="true">↑</span>
                      </button>
                    )}
                  </li>
                );
              })}
            </ol>
          </div>
          <Field label={t.inn_field}>
            <NumberInput value={fields.innFieldId} onChange={(innFieldId) => set('fields', { innFieldId })} />
          </Field>
        </fieldset>

        <Health view={view} t={t} locale={locale} />

        {save?.failure && (
          <div class="erpb-error" role="alert" data-testid="erpb-settings-error">
            <p class="erpb-error-title">{t.invalid}</p>
            <ul class="erpb-field-errors">
              {(save.failure.errors?.length
                ? save.failure.errors.map((e) => `${e.path}: ${e.message}`)
                : [save.failure.detail ?? failureText(save.failure, t)]
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
            disabled={save?.busy}
          >
            {save?.busy ? (
              <>
                <Spinner /> {t.saving}
              </>
            ) : (
              t.save
            )}
          </button>
          {save?.ok && (
            <span class="erpb-result erpb-result--ok" role="status" data-saved={save.ok}>
              {save.ok === 'saved' ? t.saved : t.no_changes}
            </span>
          )}
          {save?.badIds && (
            <span class="erpb-inline-error" role="alert">
              {t.invalid}
            </span>
          )}
        </div>
      </form>
    );
  }

  return (
    <div class="erpb-settings" data-state={kind}>
      <h2 class="erpb-settings-title">{t.title}</h2>
      {body}
    </div>
  );
}

function Field(props: FieldProps & { children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control comes in as children, inside the label.
    <label class={props.error ? 'erpb-field erpb-field--error' : 'erpb-field'}>
      <span class="erpb-label">
        {props.label} {props.badge}
      </span>
      {props.children}
      {props.hint && <span class="erpb-hint">{props.hint}</span>}
      {props.error && (
        <span class="erpb-inline-error" role="alert">
          {props.error}
        </span>
      )}
    </label>
  );
}

interface FieldProps {
  label: string;
  hint?: string;
  error?: string | undefined;
  badge?: ComponentChildren;
}

/** A labelled text input; `secret` makes it a write-only password field. */
function TextField(
  props: FieldProps & { value: string; onValue: (v: string) => void; name?: string; secret?: boolean },
) {
  const { value, onValue, name, secret, ...field } = props;
  return (
    <Field {...field}>
      <input
        class="erpb-input"
        name={name}
        type={secret ? 'password' : 'text'}
        autoComplete={secret ? 'new-password' : 'off'}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
    </Field>
  );
}

function SelectField(props: {
  label: string;
  name?: string;
  value: string;
  options: [string, string][];
  onValue: (v: string) => void;
}) {
  return (
    <Field label={props.label}>
      <select
        class="erpb-input"
        name={props.name}
        value={props.value}
        onChange={(e) => props.onValue(e.currentTarget.value)}
      >
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </Field>
  );
}

function Check(props: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label class="erpb-check">
      <input
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />{' '}
      {props.label}
    </label>
  );
}

/** A positive id or nothing: '' reads as null, and 0 shows as empty. */
function NumberInput(props: {
  value: number | null;
  onChange: (value: number | null) => void;
  label?: string;
}) {
  return (
    <input
      class="erpb-input erpb-input--num"
      type="number"
      min="1"
      step="1"
      aria-label={props.label}
      placeholder={props.label}
      value={props.value || ''}
      onInput={(e) => {
        const v = e.currentTarget.value;
        props.onChange(v === '' ? null : Number(v));
      }}
    />
  );
}

function StageInputs(props: {
  stage: Stage;
  t: SettingsMessages;
  onChange: (stage: Stage) => void;
  children?: ComponentChildren;
}) {
  const { stage, t, onChange } = props;
  return (
    <div class="erpb-row" data-stage={`${stage.pipelineId}:${stage.statusId}`}>
      <NumberInput
        label={t.pipeline_id}
        value={stage.pipelineId}
        onChange={(n) => onChange({ ...stage, pipelineId: n ?? 0 })}
      />
      <NumberInput
        label={t.status_id}
        value={stage.statusId}
        onChange={(n) => onChange({ ...stage, statusId: n ?? 0 })}
      />
      {props.children}
    </div>
  );
}

function Health({ view, t, locale }: { view: SettingsView; t: SettingsMessages; locale: string }) {
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
