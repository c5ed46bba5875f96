/**
 * The only module that touches amoCRM: the widget object (`self`) and the AMOCRM global.
 * Everything below it is plain Preact fed by props.
 */
import { type ComponentChild, Fragment, h, render as renderPreact } from 'preact';
import { type AuthorizedAjax, type CustomerEntity, createApiClient } from './api-client.js';
import { resolveBackend } from './backend-url.js';
import { CustomerPanel } from './customer/CustomerPanel.js';
import { localeFromLangId, toMessages } from './i18n.js';
import { AdminAlerts } from './panel/AdminAlerts.js';
import { LeadPanel } from './panel/LeadPanel.js';
import { createOperatorApi } from './settings/operator-api.js';
import { loadSettingsChunk } from './settings-loader.js';
import { IsAdmin } from './ui/admin.js';
import { ErrorBox } from './ui/common.js';
import './style.css';

/** Backend origin baked from PUBLIC_URL by vite.config.ts ('' when unset or local). */
declare const __ERPB_BACKEND__: string;

interface WidgetSettings {
  backend_url?: unknown;
  widget_code?: string;
  path?: string;
  version?: string;
}

interface RenderTemplateOptions {
  caption: { class_name: string };
  body: string;
  render: string;
}

/** The host methods amoCRM puts on the widget object. */
interface WidgetHost {
  callbacks: Record<string, (...args: never[]) => unknown>;
  render_template(options: RenderTemplateOptions): void;
  get_settings(): WidgetSettings | undefined;
  system(): { area?: string } | undefined;
  i18n(key: string): unknown;
  $authorizedAjax: AuthorizedAjax;
}

interface AmoGlobal {
  lang_id?: string;
  data?: { current_entity?: string; current_card?: { id?: number | string } };
  constant?: (name: string) => unknown;
}

function amocrm(): AmoGlobal {
  const g = globalThis as { AMOCRM?: AmoGlobal; APP?: AmoGlobal };
  return g.AMOCRM ?? g.APP ?? {};
}

/** Card areas we draw a panel in, by system().area, and the entity each shows. */
const CARD_AREAS: Record<string, string> = { lcard: 'leads', ccard: 'contacts', comcard: 'companies' };

function ErpBridgeWidget(this: WidgetHost) {
  const self = this;
  const mounted = new Set<Element>();
  /** The settings page renders with its chunk's own Preact, so it unmounts itself. */
  let unmountSettings: (() => void) | null = null;
  /** Bumped on every unmount: a chunk that arrives after the user moved on mounts nothing. */
  let generation = 0;

  function unmount(): void {
    generation++;
    unmountSettings?.();
    unmountSettings = null;
    for (const root of mounted) {
      renderPreact(null, root);
      root.removeAttribute('data-state');
    }
    mounted.clear();
  }

  /** Mounts `make(context)` into `root`; `.erpb-root[data-state]` mirrors the view's state for tests and the host. */
  function mount(root: Element, make: (ctx: ReturnType<typeof context>) => ComponentChild): void {
    renderPreact(h(IsAdmin.Provider, { value: isAdmin() }, make(context(root))), root);
    mounted.add(root);
  }

  function context(root: Element) {
    const settings = self.get_settings() ?? {};
    ensureStylesheet(settings);
    const backend = resolveBackend(settings.backend_url, __ERPB_BACKEND__);
    return {
      backend,
      api: createApiClient(backend, (options) => self.$authorizedAjax(options)),
      locale: localeFromLangId(amocrm().lang_id),
      onStateChange: (kind: string) => root.setAttribute('data-state', kind),
    };
  }

  function widgetCode(): string {
    return String(self.get_settings()?.widget_code ?? 'erpb').replace(/[^\w-]/g, '');
  }

  function render(): boolean {
    const area = self.system()?.area;
    const amo = amocrm();
    // Some hosts do not fill `area`; the entity is then the best hint we have.
    const entity = area === undefined ? amo.data?.current_entity : CARD_AREAS[area];
    if (entity !== 'leads' && entity !== 'contacts' && entity !== 'companies') return true;

    const panelId = `erpb-panel-${widgetCode()}`;
    let element = document.getElementById(panelId);
    if (!element) {
      self.render_template({
        caption: { class_name: 'erpb-caption' },
        body: `<div class="erpb-root" id="${panelId}"></div>`,
        render: '',
      });
      element = document.getElementById(panelId);
    }
    if (!element) return true;
    unmount();
    const id = Number(amo.data?.current_card?.id ?? 0);
    mount(element, (ctx) => {
      const panel =
        entity === 'leads'
          ? h(LeadPanel, { ...ctx, leadId: id, messages: toMessages(self.i18n('panel')) })
          : h(CustomerPanel, {
              ...ctx,
              entity: entity as CustomerEntity,
              id,
              t: toMessages(self.i18n('customer')),
            });
      // Managers never see the integration's alerts, nor pay a request for them; an unsaved card
      // (id 0: a deal being created) asks nothing of the backend at all.
      return isAdmin() && ctx.backend && id > 0 ? h(Fragment, null, adminAlerts(ctx), panel) : panel;
    });
    return true;
  }

  /**
   * The open alerts over the card, with the way to the settings page's health section: amoCRM
   * serves a widget's advanced settings at /settings/widgets/<code>/ (UNCONFIRMED on an official
   * page; seen on live accounts), and the page scrolls to `#erpb-health` once it has drawn it.
   */
  function adminAlerts(ctx: ReturnType<typeof context>): ComponentChild {
    const operator = createOperatorApi(ctx.backend, (options) => self.$authorizedAjax(options));
    return h(AdminAlerts, {
      // Any failure leaves the banner away (AdminAlerts stays silent on an error).
      loadAlerts: () => operator.alerts(),
      healthHref: `/settings/widgets/${widgetCode()}/#erpb-health`,
      t: toMessages(self.i18n('panel')),
    });
  }

  /** amoCRM's advanced settings page: a whole work area, `#work-area-<widget code>`. */
  function advancedSettings(): boolean {
    const area = document.getElementById(`work-area-${widgetCode()}`);
    if (!area) return true;
    unmount();
    let root = area.querySelector('.erpb-root');
    if (!root) {
      root = document.createElement('div');
      root.className = 'erpb-root erpb-root--page';
      area.appendChild(root);
    }
    const page = root;
    const t = toMessages<Parameters<typeof ErrorBox>[0]['t']>(self.i18n('advanced'));
    const props = {
      ...context(page),
      t: toMessages(self.i18n('advanced')),
      users: accountUsers(),
      ajax: ((options) => self.$authorizedAjax(options)) satisfies AuthorizedAjax,
    };
    const settings = self.get_settings() ?? {};
    const current = generation;
    page.setAttribute('data-state', 'loading');
    loadSettingsChunk(settings.path, settings.version).then(
      (chunk) => {
        if (current === generation) unmountSettings = chunk.mountSettings(page, props);
      },
      () => {
        if (current !== generation) return;
        page.setAttribute('data-state', 'error');
        mount(page, () =>
          h(ErrorBox, { failure: { kind: 'network', status: 0 }, t, onRetry: () => advancedSettings() }),
        );
      },
    );
    return true;
  }

  function ok(): boolean {
    return true;
  }

  function destroy(): void {
    // amoCRM calls destroy on every move between cards and areas: leave nothing mounted behind.
    unmount();
  }

  this.callbacks = {
    render,
    init: ok,
    bind_actions: ok,
    settings: ok,
    advancedSettings,
    dpSettings: ok,
    onSave: ok,
    destroy,
  };
  return this;
}

/**
 * Whether the current user is an account administrator: AMOCRM.constant('user_rights').is_admin
 * (UNCONFIRMED which constant carries it, so 'user' is read as well); anything else is not.
 * Only hides the technical detail: the server withholds it from non-admins on its own.
 */
function isAdmin(): boolean {
  const amo = amocrm();
  const flag = (name: string) => (amo.constant?.(name) as { is_admin?: unknown } | undefined)?.is_admin;
  return flag('user_rights') === true || flag('user') === true;
}

/** Users of the account as amoCRM lists them (AMOCRM.constant('managers'): {id: {id, title}}). */
function accountUsers(): { id: number; name: string }[] {
  const managers = amocrm().constant?.('managers');
  if (typeof managers !== 'object' || managers === null) return [];
  return Object.values(managers as Record<string, { id?: unknown; title?: unknown }>)
    .filter((m) => typeof m?.id === 'number' && typeof m.title === 'string')
    .map((m) => ({ id: m.id as number, name: m.title as string }));
}

/** amoCRM caches script.js and style.css hard, so the stylesheet URL carries the widget version. */
function ensureStylesheet(settings: WidgetSettings): void {
  if (!settings.path || document.querySelector('link[data-erpb-style]')) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = `${settings.path.replace(/\/+$/, '')}/style.css?v=${encodeURIComponent(settings.version ?? '')}`;
  link.setAttribute('data-erpb-style', '');
  document.head.appendChild(link);
}

export default ErpBridgeWidget;
