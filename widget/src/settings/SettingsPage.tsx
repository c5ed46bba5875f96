import type { SettingsView } from '@erp-bridge/shared';
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { toFailure, type WidgetApiClient } from '../api-client.js';
import type { SettingsMessages } from '../i18n.js';
import { ErrorBox, Spinner, useLoad } from '../ui/common.js';
import { type CatalogApi, useCatalog } from './catalog.js';
import { ErpSection } from './ErpSection.js';
import { FieldsSection } from './FieldsSection.js';
import { draftFrom, type FieldError, type SettingsDraft, settingsUpdate } from './form.js';
import { GuardSection } from './GuardSection.js';
import { Health } from './Health.js';
import { InvoicesSection } from './InvoicesSection.js';
import { LoopSection } from './LoopSection.js';
import { AlertBanner, OperatorSection } from './Operator.js';
import type { OperatorApi } from './operator-api.js';
import { SaveBar, type SaveState } from './SaveBar.js';
import type { SectionProps } from './section.js';

export interface SettingsPageProps {
  backend: string;
  api: Pick<WidgetApiClient, 'settings' | 'saveSettings' | 'testConnection' | 'guardSetup'> & CatalogApi;
  t: SettingsMessages;
  locale: string;
  /** Account users (from AMOCRM.constant('managers')): named beside typed ids when amoCRM's lists fail. */
  users: { id: number; name: string }[];
  /** not-configured | loading | error | forbidden | ready */
  onStateChange?: (kind: string) => void;
  /** Journal, alerts and the health view (admins). */
  operator?: OperatorApi;
}

/** Focus the first control the save refused (a field named by the form or by the server's 400). */
function focusFirstError(form: HTMLFormElement | null, fields: string[]) {
  if (!form || fields.length === 0) return;
  const boxes = [...form.querySelectorAll<HTMLElement>('[data-field]')];
  // The control named exactly, else the closest enclosing setting (`guard.gatedStages.0` -> `guard.gatedStages`).
  const depth = (el: HTMLElement) => {
    const name = el.dataset.field ?? '';
    return Math.max(...fields.map((f) => (f === name ? 1000 : f.startsWith(`${name}.`) ? name.length : -1)));
  };
  const box = boxes.filter((el) => depth(el) >= 0).sort((a, b) => depth(b) - depth(a))[0];
  box?.querySelector<HTMLElement>('input, select, textarea, button')?.focus();
}

/** The advanced settings page (admins only: the server answers others 403 auth.forbidden). */
export function SettingsPage({ backend, api, t, locale, users, onStateChange, operator }: SettingsPageProps) {
  const [state, reload, setView] = useLoad<SettingsView | null>(
    () => (backend ? api.settings() : Promise.resolve(null)),
    [backend],
  );
  const view = state.data;
  const {
    catalog,
    loading: catalogLoading,
    failed: catalogFailed,
    reload: reloadCatalog,
  } = useCatalog(api, Boolean(view));
  const [draft, setDraft] = useState<SettingsDraft | null>(null);
  // A layout effect: the form is rebuilt from a new view (after a save) before anything is painted or clicked.
  useLayoutEffect(() => setDraft(view ? draftFrom(view) : null), [view]);
  const [save, setSave] = useState<SaveState>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const form = useRef<HTMLFormElement>(null);

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
    const change = (next: SettingsDraft) => {
      setDraft(next);
      setSave(null);
    };
    const section: SectionProps = {
      view,
      draft,
      t,
      catalog,
      set: (name, patch) => change({ ...draft, [name]: { ...draft[name], ...patch } }),
      setDraft: change,
      errorOf: (field) => {
        const hit = errors.find((e) => e.field === field);
        return hit ? t[hit.message] : undefined;
      },
    };
    const pending = settingsUpdate(view, draft);
    const dirty = !pending.ok || Object.keys(pending.update).length > 0;
    const submit = (event: Event) => {
      event.preventDefault();
      const result = settingsUpdate(view, draft);
      if (!result.ok) {
        setErrors(result.errors);
        setSave({ invalid: true });
        // After the errors render, so the marked control is the one focused.
        requestAnimationFrame(() =>
          focusFirstError(
            form.current,
            result.errors.map((e) => e.field),
          ),
        );
        return;
      }
      setErrors([]);
      if (Object.keys(result.update).length === 0) return setSave({ ok: 'unchanged' });
      setSave({ busy: true });
      // The answer is the saved view: the form restarts from it (typed secrets are cleared).
      api.saveSettings(result.update).then(
        (saved) => {
          setSave({ ok: 'saved' });
          setView(saved);
        },
        (error: unknown) => {
          const failure = toFailure(error);
          setSave({ failure });
          const paths = (failure.errors ?? []).map((e) => e.path.replace(/^body\./, ''));
          requestAnimationFrame(() => focusFirstError(form.current, paths));
        },
      );
    };

    body = (
      <form
        ref={form}
        class="erpb-form"
        onSubmit={submit}
        noValidate
        data-save-state={
          save === null ? 'idle' : 'busy' in save ? 'saving' : 'ok' in save ? save.ok : 'failed'
        }
        data-catalog={catalog ? 'ready' : catalogLoading ? 'loading' : 'failed'}
      >
        {catalogLoading && (
          <p class="erpb-msg">
            <Spinner /> {t.catalog_loading}
          </p>
        )}
        {catalogFailed && (
          <div class="erpb-msg erpb-msg--warn" role="status">
            {t.catalog_failed}{' '}
            <button type="button" class="erpb-btn erpb-btn--small" onClick={reloadCatalog}>
              {t.retry}
            </button>
          </div>
        )}
        <ErpSection {...section} api={api} />
        <GuardSection {...section} api={api} />
        <InvoicesSection {...section} knownUsers={users} />
        <FieldsSection {...section} />
        <LoopSection view={view} t={t} catalog={section.catalog} api={api} />
        <Health view={view} t={t} locale={locale} />
        <SaveBar save={save} dirty={dirty} t={t} />
      </form>
    );
  }

  return (
    <div class="erpb-settings" data-state={kind}>
      <h2 class="erpb-settings-title">{t.title}</h2>
      {kind === 'ready' && operator && <AlertBanner api={operator} t={t} locale={locale} />}
      {body}
      {kind === 'ready' && operator && <OperatorSection api={operator} t={t} locale={locale} users={users} />}
    </div>
  );
}
