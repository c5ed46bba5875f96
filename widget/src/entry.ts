/**
 * The only module that touches amoCRM: the widget object (`self`) and the AMOCRM global.
 * Everything below it is plain Preact fed by props.
 */
import { h, render as renderPreact } from 'preact';
import { type AuthorizedAjax, createApiClient } from './api-client.js';
import { resolveBackend } from './backend-url.js';
import { localeFromLangId, toMessages } from './i18n.js';
import { LeadStockPanel } from './panel/LeadStockPanel.js';
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
}

function amocrm(): AmoGlobal {
  const g = globalThis as { AMOCRM?: AmoGlobal; APP?: AmoGlobal };
  return g.AMOCRM ?? g.APP ?? {};
}

function ErpBridgeWidget(this: WidgetHost) {
  const self = this;
  let mountedIn: Element | null = null;

  function isLeadCard(): boolean {
    const area = self.system()?.area;
    // Some hosts do not fill `area`; a lead entity is then the best hint we have.
    return area === undefined ? amocrm().data?.current_entity === 'leads' : area === 'lcard';
  }

  function unmount(): void {
    if (mountedIn) {
      renderPreact(null, mountedIn);
      mountedIn.removeAttribute('data-state');
    }
    mountedIn = null;
  }

  function render(): boolean {
    if (!isLeadCard()) return true;
    const settings = self.get_settings() ?? {};
    ensureStylesheet(settings);

    const panelId = `erpb-panel-${String(settings.widget_code ?? 'erpb').replace(/[^\w-]/g, '')}`;
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
    const root = element;
    const amo = amocrm();
    const backend = resolveBackend(settings.backend_url, __ERPB_BACKEND__);
    const client = createApiClient(backend, (options) => self.$authorizedAjax(options));
    renderPreact(
      h(LeadStockPanel, {
        leadId: Number(amo.data?.current_card?.id ?? 0),
        backend,
        loadStock: client.leadStock,
        messages: toMessages(self.i18n('panel')),
        locale: localeFromLangId(amo.lang_id),
        // `.erpb-root[data-state=...]` is the hook tests and the host page wait on.
        onStateChange: (kind) => root.setAttribute('data-state', kind),
      }),
      root,
    );
    mountedIn = root;
    return true;
  }

  function ok(): boolean {
    return true;
  }

  function destroy(): void {
    // amoCRM calls destroy on every move between cards and areas: leave nothing mounted behind.
    unmount();
  }

  this.callbacks = { render, init: ok, bind_actions: ok, settings: ok, onSave: ok, destroy };
  return this;
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
