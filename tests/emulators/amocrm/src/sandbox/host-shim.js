// Host shim of the sandbox page: plays the part of amoCRM's own front end for one widget, on a deal,
// contact or company card, or on the widget's advanced settings page (?page=settings).
// Plain browser JavaScript, served as-is (never bundled), so what runs is what you read here.
// It loads the widget's script.js through the real RequireJS, exactly as amoCRM does, and offers
// the widget the host API amoCRM documents (https://www.amocrm.ru/developers/content/web_sdk/script_js;
// see docs/architecture.md, "Vendor assumptions").
(() => {
  const cfg = window.__AMO_SANDBOX__;
  const t = cfg.texts;
  const PATH = cfg.widget.path;
  const CAPTION_CLASS = 'card-widgets__widget__caption';

  const isSettings = cfg.page === 'settings';
  /** Areas as amoCRM's system().area names them; 'advanced_settings' for the settings page is UNCONFIRMED. */
  const AREAS = { leads: 'lcard', contacts: 'ccard', companies: 'comcard' };
  const panel = document.querySelector(`.card-widgets__widget[data-code="${cfg.widget.code}"]`);
  const caption = panel?.querySelector(`.${CAPTION_CLASS}`);
  const body = panel?.querySelector('.card-widgets__widget__body');
  const workArea = document.getElementById(`work-area-${cfg.widget.code}`);
  const errorsBox = document.getElementById('sandbox-errors');
  const switcher = document.getElementById('sandbox-deal-switcher');

  /** Test and debugging handle: what the host saw and did. */
  const sandbox = {
    widget: null,
    ready: false,
    lifecycle: [],
    notifications: [],
    errors: [],
    switchLead,
    switchCard,
  };
  window.__sandbox = sandbox;

  window.requirejs.config({ paths: { jquery: '/sandbox/vendor/jquery' }, waitSeconds: 30 });

  // ---------------------------------------------------------------- AMOCRM global

  /** A tiny stand-in for the card's Backbone model of unsaved form values. */
  function createModel(attrs) {
    const listeners = new Map();
    const trigger = (event, ...args) => {
      for (const l of listeners.get(event) ?? []) l.fn.apply(l.ctx, args);
    };
    const model = {
      attributes: { ...attrs },
      get: (key) => model.attributes[key],
      has: (key) => model.attributes[key] != null,
      set(key, value) {
        const changes = typeof key === 'object' && key !== null ? key : { [key]: value };
        let changed = false;
        for (const [k, v] of Object.entries(changes)) {
          if (model.attributes[k] === v) continue;
          model.attributes[k] = v;
          changed = true;
          trigger(`change:${k}`, model, v);
        }
        if (changed) trigger('change', model);
        return model;
      },
      on(event, fn, ctx) {
        for (const name of String(event).split(/\s+/)) {
          if (!listeners.has(name)) listeners.set(name, []);
          listeners.get(name).push({ fn, ctx });
        }
        return model;
      },
      off(event, fn) {
        if (event === undefined) listeners.clear();
        else listeners.set(event, fn ? (listeners.get(event) ?? []).filter((l) => l.fn !== fn) : []);
        return model;
      },
      toJSON: () => ({ ...model.attributes }),
    };
    return model;
  }

  function leadById(id) {
    return cfg.leads.find((l) => l.id === id) ?? null;
  }

  /** Form field names as amoCRM's card form uses them (UNCONFIRMED beyond STATUS and PIPELINE_ID). */
  function modelAttrsFor(id) {
    const lead = leadById(id);
    if (!lead) return {};
    return {
      'lead[NAME]': lead.name,
      'lead[PRICE]': lead.price,
      'lead[STATUS]': lead.statusId,
      'lead[PIPELINE_ID]': lead.pipelineId,
      'lead[MAIN_USER]': lead.responsibleUserId,
    };
  }

  function notify(kind, message) {
    const m = typeof message === 'object' && message !== null ? message : { text: String(message) };
    sandbox.notifications.push({ kind, ...m });
    const box = document.createElement('div');
    box.className = `sandbox-toast sandbox-toast--${kind}`;
    box.innerHTML = `<b></b><div></div>`;
    box.querySelector('b').textContent = m.header ?? '';
    box.querySelector('div').textContent = m.text ?? '';
    document.getElementById('sandbox-notifications').appendChild(box);
    setTimeout(() => box.remove(), 6000);
  }

  const managers = Object.fromEntries(
    cfg.users.map((u) => [u.id, { id: u.id, title: u.name, login: u.email, active: true }]),
  );

  const AMOCRM = {
    lang_id: cfg.lang,
    data: isSettings
      ? { current_entity: 'settings', is_card: false }
      : {
          current_card: {
            id: cfg.cardId,
            model: createModel(cfg.entity === 'leads' ? modelAttrsFor(cfg.cardId) : {}),
          },
          current_entity: cfg.entity,
          is_card: true,
        },
    constant(name) {
      switch (name) {
        case 'account':
          return { ...cfg.account, language: cfg.lang };
        case 'user':
          return { id: cfg.user.id, name: cfg.user.name, login: cfg.user.email };
        case 'user_rights':
          return { is_admin: cfg.user.isAdmin };
        case 'managers':
          return managers;
        case 'lang':
          return cfg.lang;
        default:
          return undefined;
      }
    },
    notifications: {
      show_message: (m) => notify('info', m),
      show_message_error: (m) => notify('error', m),
    },
  };
  window.AMOCRM = AMOCRM;
  window.APP = AMOCRM;

  // ---------------------------------------------------------------- deal column and feed

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const number = new Intl.NumberFormat(cfg.lang === 'ru' ? 'ru-RU' : 'en-US', { maximumFractionDigits: 3 });
  const money = (n) => `${number.format(n)} ₽`;

  function renderCard() {
    if (AMOCRM.data.current_entity === 'leads') renderDeal();
    else renderPerson();
  }

  /** A contact or company card: name, phone, email / INN, and a short feed. */
  function renderPerson() {
    const entity = AMOCRM.data.current_entity;
    const id = AMOCRM.data.current_card.id;
    const isContact = entity === 'contacts';
    const record = (isContact ? cfg.contacts : cfg.companies).find((c) => c.id === id) ?? null;
    const fields = document.getElementById('card-fields');
    const feed = document.getElementById('card-feed');
    fields.replaceChildren();
    feed.replaceChildren();
    const main = document.querySelector('main.card');
    main.dataset.entity = entity;
    main.dataset.cardId = String(id);
    main.dataset.leadId = '0';

    const top = el('div', 'card-fields__top card-fields__top--person');
    top.append(el('div', 'card-fields__kind', isContact ? t.contactCard : t.companyCard));
    top.append(el('div', 'card-fields__name', record ? record.name : t.unknownCard));
    top.append(el('div', 'card-fields__id', id === 0 ? '' : `#${id}`));
    fields.append(top);
    const tabs = el('div', 'card-tabs');
    tabs.append(el('span', 'card-tabs__tab is-active', t.tabMain));
    fields.append(tabs);
    const rows = el('div', 'card-rows');
    const row = (label, value) => {
      const r = el('div', 'card-row');
      r.append(el('span', 'card-row__label', label), el('span', 'card-row__value', value ?? '—'));
      rows.append(r);
    };
    row(t.responsible, cfg.user.name);
    row(t.phone, record?.phone);
    if (isContact) {
      row(t.email, record?.email);
      row(t.company, record?.company);
    } else {
      row(t.inn, record?.inn);
    }
    fields.append(rows);

    feed.append(el('div', 'card-feed__date', t.feedToday));
    if (record) {
      const e = el('div', 'feed-note feed-note--system');
      e.append(
        el('div', 'feed-note__who', `09:30 ${cfg.user.name}`),
        el('div', 'feed-note__text', isContact ? t.feedContactCreated : t.feedCompanyCreated),
      );
      feed.append(e);
    }
    feed.append(el('div', 'card-feed__input', t.feedPlaceholder));
  }

  function renderDeal() {
    const id = AMOCRM.data.current_card.id;
    const lead = leadById(id);
    const fields = document.getElementById('card-fields');
    const feed = document.getElementById('card-feed');
    fields.replaceChildren();
    feed.replaceChildren();
    const main = document.querySelector('main.card');
    main.dataset.entity = 'leads';
    main.dataset.cardId = String(id);
    main.dataset.leadId = String(id);

    const top = el('div', 'card-fields__top');
    top.append(el('div', 'card-fields__name', lead ? lead.name : id === 0 ? t.newDeal : t.unknownDeal));
    top.append(el('div', 'card-fields__id', id === 0 ? '' : `#${id}`));
    if (cfg.pipeline) {
      const statusId = AMOCRM.data.current_card.model.get('lead[STATUS]') ?? cfg.pipeline.statuses[0]?.id;
      const bar = el('div', 'card-stage');
      const index = cfg.pipeline.statuses.findIndex((s) => s.id === statusId);
      const current = cfg.pipeline.statuses[index];
      // The bar shows the open stages; a closed deal (won/lost) fills it in its own colour.
      for (let i = 0; i < Math.min(3, cfg.pipeline.statuses.length); i++) {
        const seg = el('span', 'card-stage__segment');
        if (i <= index) seg.style.background = current?.color ?? '#99ccff';
        bar.append(seg);
      }
      const select = el('select', 'card-stage__select');
      select.id = 'sandbox-stage';
      for (const s of cfg.pipeline.statuses) {
        const option = el('option', '', s.name);
        option.value = String(s.id);
        option.selected = s.id === statusId;
        select.append(option);
      }
      // An unsaved stage change, like picking a stage in amoCRM's card before pressing Save.
      select.addEventListener('change', () => {
        AMOCRM.data.current_card.model.set('lead[STATUS]', Number(select.value));
        renderDeal();
      });
      const stage = el('div', 'card-stage__row');
      stage.append(el('span', 'card-stage__pipeline', cfg.pipeline.name), select);
      top.append(stage, bar);
    }
    fields.append(top);

    const tabs = el('div', 'card-tabs');
    tabs.append(el('span', 'card-tabs__tab is-active', t.tabMain));
    tabs.append(el('span', 'card-tabs__tab', `${t.tabProducts} (${lead ? lead.products.length : 0})`));
    fields.append(tabs);

    const rows = el('div', 'card-rows');
    const row = (label, value) => {
      const r = el('div', 'card-row');
      r.append(el('span', 'card-row__label', label), el('span', 'card-row__value', value));
      rows.append(r);
    };
    const responsible = cfg.users.find((u) => u.id === lead?.responsibleUserId);
    row(t.responsible, responsible ? responsible.name : cfg.user.name);
    row(t.budget, money(lead ? lead.price : 0));
    row(t.contact, lead?.contact ? lead.contact.name : t.noContact);
    row(t.company, lead?.contact ? lead.contact.company : t.noContact);
    fields.append(rows);

    const products = el('div', 'card-products');
    products.append(el('div', 'card-products__title', t.products));
    if (!lead || lead.products.length === 0) products.append(el('div', 'card-products__empty', t.noProducts));
    for (const p of lead?.products ?? []) {
      const item = el('div', 'card-product');
      const name = el('div', 'card-product__name', p.name);
      name.append(el('span', 'card-product__sku', p.sku ?? '—'));
      const qty = `${number.format(p.quantity)} × ${p.price === null ? '—' : money(p.price)}`;
      item.append(name, el('div', 'card-product__qty', qty));
      products.append(item);
    }
    fields.append(products);

    feed.append(el('div', 'card-feed__date', t.feedToday));
    if (lead) {
      const entry = (cls, who, text) => {
        const e = el('div', `feed-note ${cls}`);
        e.append(el('div', 'feed-note__who', who), el('div', 'feed-note__text', text));
        feed.append(e);
      };
      const status = cfg.pipeline?.statuses.find((s) => s.id === lead.statusId);
      entry('feed-note--system', `10:02 ${responsible?.name ?? ''}`, t.feedCreated);
      if (status)
        entry('feed-note--system', `10:05 ${responsible?.name ?? ''}`, `${t.feedStage}: ${status.name}`);
      entry('feed-note--note', `11:40 ${cfg.user.name}`, t.feedNote);
    }
    const input = el('div', 'card-feed__input', t.feedPlaceholder);
    feed.append(input);
  }

  // ---------------------------------------------------------------- widget lifecycle

  function report(where, error) {
    const message = `${where}: ${error instanceof Error ? error.message : String(error)}`;
    sandbox.errors.push(message);
    console.error(`[sandbox] ${message}`, error);
    errorsBox.hidden = false;
    errorsBox.append(el('div', '', message));
  }

  function call(name) {
    const fn = sandbox.widget?.callbacks?.[name];
    if (typeof fn !== 'function') return undefined;
    sandbox.lifecycle.push(name);
    try {
      return fn.call(sandbox.widget);
    } catch (error) {
      report(`callbacks.${name}()`, error);
      return undefined;
    }
  }

  function runLifecycle() {
    sandbox.ready = false;
    if (call('render') !== true) {
      report('callbacks.render()', 'did not return true, so init and bind_actions were not called');
      return;
    }
    if (call('init') !== true) {
      report('callbacks.init()', 'did not return true, so bind_actions was not called');
      return;
    }
    call('bind_actions');
    // amoCRM's settings page: the widget draws into #work-area-<code> from advancedSettings().
    if (isSettings) call('advancedSettings');
    sandbox.ready = true;
  }

  function clearPanel() {
    if (isSettings) {
      workArea.replaceChildren();
      return;
    }
    caption.className = CAPTION_CLASS;
    caption.replaceChildren();
    body.replaceChildren();
  }

  function switchLead(id) {
    switchCard('leads', id);
  }

  function cardQuery(entity, id) {
    const query = new URLSearchParams(window.location.search);
    for (const k of ['page', 'lead', 'entity', 'id']) query.delete(k);
    if (entity === 'leads') query.set('lead', String(id));
    else {
      query.set('entity', entity);
      query.set('id', String(id));
    }
    return query;
  }

  /** Moves to another card in page, as amoCRM does: destroy, then render/init/bind_actions again. */
  function switchCard(entity, id) {
    if (isSettings) {
      // The settings page has no card column: open the card as a new page.
      window.location.href = `/sandbox?${cardQuery(entity, id)}`;
      return;
    }
    call('destroy');
    AMOCRM.data.current_entity = entity;
    AMOCRM.data.current_card.id = id;
    AMOCRM.data.current_card.model = createModel(entity === 'leads' ? modelAttrsFor(id) : {});
    clearPanel();
    renderCard();
    const query = cardQuery(entity, id);
    window.history.replaceState(null, '', `/sandbox?${query}`);
    const themeLink = document.getElementById('sandbox-theme-switch');
    if (themeLink) {
      const themed = new URLSearchParams(query);
      if (themeLink.dataset.themeTo === 'dark') themed.set('theme', 'dark');
      else themed.delete('theme');
      themeLink.href = `/sandbox?${themed}`;
    }
    for (const link of document.querySelectorAll('[data-lang]')) {
      query.set('lang', link.dataset.lang);
      link.href = `/sandbox?${query}`;
    }
    switcher.value = entity === 'leads' ? String(id) : `${entity}:${id}`;
    const list = entity === 'leads' ? cfg.leads : entity === 'contacts' ? cfg.contacts : cfg.companies;
    const record = list.find((r) => r.id === id);
    const fallback =
      entity === 'leads' ? (id === 0 ? t.newDeal : `${t.deal} #${id}`) : `${t.unknownCard} #${id}`;
    document.title = `${record ? record.name : fallback} — ${t.sandbox}`;
    if (sandbox.widget) runLifecycle();
  }

  switcher.addEventListener('change', () => {
    const value = switcher.value;
    if (value === '') return;
    const [entity, id] = value.includes(':') ? value.split(':') : ['leads', value];
    switchCard(entity, Number(id));
  });

  // ---------------------------------------------------------------- host methods of the widget

  function hostMethods($, manifest, langs, version) {
    const settings = {
      backend_url: cfg.backendUrl,
      widget_code: cfg.widget.code,
      path: PATH,
      version,
      images_path: `${PATH}/images`,
      oauth_client_uuid: cfg.widget.clientUuid,
      active: 'Y',
      status: 'installed',
    };
    const i18n = (key) =>
      String(key)
        .split('.')
        .reduce((node, part) => (node !== null && typeof node === 'object' ? node[part] : undefined), langs);
    const nameKey = manifest.widget?.name ?? cfg.widget.code;
    const widgetName = typeof i18n(nameKey) === 'string' ? i18n(nameKey) : nameKey;

    return {
      langs,
      params: settings,
      i18n,
      get_settings: () => settings,
      set_settings(values) {
        Object.assign(settings, values);
        return true;
      },
      get_version: () => version,
      system: () => ({
        area: isSettings ? 'advanced_settings' : AREAS[AMOCRM.data.current_entity],
        amouser_id: cfg.user.id,
        amouser: cfg.user.email,
        amohash: 'sandbox',
        subdomain: cfg.account.subdomain,
        domain: 'amocrm.ru',
        server: 'sandbox',
        displayed_count: 0,
      }),
      list_selected: () => ({ selected: [], summary: { items: 0 } }),
      /** Puts caption and body into the right-hand widget block, synchronously. */
      render_template(data) {
        // There is no right-hand panel on the settings page.
        if (!body) return false;
        const d = data ?? {};
        const cap = d.caption ?? {};
        caption.className = cap.class_name ? `${CAPTION_CLASS} ${cap.class_name}` : CAPTION_CLASS;
        if (typeof cap.html === 'string') {
          caption.innerHTML = cap.html;
        } else {
          const logo = el('img', 'card-widgets__widget__logo');
          logo.src = `${PATH}/images/logo_min.png?v=${encodeURIComponent(version)}`;
          logo.alt = '';
          caption.replaceChildren(logo, el('span', 'card-widgets__widget__name', widgetName));
        }
        body.innerHTML =
          (typeof d.body === 'string' ? d.body : '') + (typeof d.render === 'string' ? d.render : '');
        return true;
      },
      /**
       * $.ajax with a fresh disposable token in X-Auth-Token. The token comes from the emulator
       * (same origin), which signs it with the client secret the browser never sees.
       */
      $authorizedAjax(opts) {
        const o = opts ?? {};
        return $.ajax({
          url: '/sandbox/disposable-token',
          method: 'POST',
          contentType: 'application/json',
          dataType: 'json',
          data: JSON.stringify({ user_id: cfg.user.id, is_admin: cfg.user.isAdmin }),
        }).then((reply) => $.ajax({ ...o, headers: { ...(o.headers ?? {}), 'X-Auth-Token': reply.token } }));
      },
    };
  }

  async function getJson(url) {
    const res = await fetch(url, { cache: 'no-store' });
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return res.json();
  }

  async function boot() {
    if (!isSettings) renderCard();
    const manifest = await getJson(`${PATH}/manifest.json`);
    const version = String(manifest.widget?.version ?? '0.0.0');
    const langs = await getJson(`${PATH}/i18n/${cfg.lang}.json`).catch(() => getJson(`${PATH}/i18n/en.json`));
    window.requirejs(
      ['jquery', `${PATH}/script.js?v=${encodeURIComponent(version)}`],
      ($, Widget) => {
        if (typeof Widget !== 'function') {
          report('script.js', 'the AMD module must return a constructor');
          return;
        }
        clearPanel();
        // Host methods go on the prototype before construction; the widget may add its own.
        Object.assign(Widget.prototype, hostMethods($, manifest, langs, version));
        try {
          sandbox.widget = new Widget();
        } catch (error) {
          report('new Widget()', error);
          return;
        }
        runLifecycle();
      },
      (error) => report('RequireJS', error),
    );
  }

  boot().catch((error) => report('sandbox', error));
})();
