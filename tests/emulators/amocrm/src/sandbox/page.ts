import type { SandboxConfig } from './config.js';

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );
}

/** JSON that is safe inside <script>: no `</script>`, no HTML comment openers. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028|\u2029/g, ' ');
}

/** The query of the page a config shows (what the switcher and language links rebuild). */
export function sandboxQuery(
  cfg: SandboxConfig,
  lang: string = cfg.lang,
  theme: SandboxConfig['theme'] = cfg.theme,
): string {
  const q = new URLSearchParams();
  if (cfg.page === 'settings') q.set('page', 'settings');
  else if (cfg.entity === 'leads') q.set('lead', String(cfg.cardId));
  else {
    q.set('entity', cfg.entity);
    q.set('id', String(cfg.cardId));
  }
  q.set('lang', lang);
  if (!cfg.user.isAdmin) q.set('admin', '0');
  if (theme === 'dark') q.set('theme', 'dark');
  if (cfg.themeMarker !== 'both') q.set('theme_marker', cfg.themeMarker);
  return q.toString();
}

function cardTitle(cfg: SandboxConfig): string {
  const t = cfg.texts;
  if (cfg.page === 'settings') return t.settingsLink;
  if (cfg.entity === 'contacts')
    return cfg.contacts.find((c) => c.id === cfg.cardId)?.name ?? `${t.contactCard} #${cfg.cardId}`;
  if (cfg.entity === 'companies')
    return cfg.companies.find((c) => c.id === cfg.cardId)?.name ?? `${t.companyCard} #${cfg.cardId}`;
  if (cfg.cardId === 0) return t.newDeal;
  return cfg.leads.find((l) => l.id === cfg.cardId)?.name ?? `${t.deal} #${cfg.cardId}`;
}

/** Switcher options: deals by bare id (as before), contacts and companies as "<entity>:<id>". */
function switcherOptions(cfg: SandboxConfig): string {
  const t = cfg.texts;
  const current =
    cfg.page === 'settings'
      ? ''
      : cfg.entity === 'leads'
        ? String(cfg.cardId)
        : `${cfg.entity}:${cfg.cardId}`;
  const option = (value: string, label: string) =>
    `<option value="${value}"${value === current ? ' selected' : ''}>${escapeHtml(label)}</option>`;
  const knownLead = cfg.entity !== 'leads' || cfg.cardId === 0 || cfg.leads.some((l) => l.id === cfg.cardId);
  const deals = [
    ...cfg.leads.map((l) => option(String(l.id), `#${l.id} ${l.name}`)),
    ...(knownLead ? [] : [option(String(cfg.cardId), `#${cfg.cardId} ${t.unknownDeal}`)]),
    option('0', t.unsavedCard),
  ];
  const contacts = cfg.contacts.map((c) => option(`contacts:${c.id}`, `#${c.id} ${c.name}`));
  const companies = cfg.companies.map((c) => option(`companies:${c.id}`, `#${c.id} ${c.name}`));
  const group = (label: string, items: string[]) =>
    `<optgroup label="${escapeHtml(label)}">${items.join('')}</optgroup>`;
  return (
    (cfg.page === 'settings' ? `<option value="" selected>${escapeHtml(t.settingsLink)}</option>` : '') +
    group(t.deals, deals) +
    group(t.contacts, contacts) +
    group(t.companies, companies)
  );
}

/**
 * The page skeleton: a card (deal, contact or company) or the widget's advanced settings page.
 * The card column and the widget panel are drawn by host.js from the embedded config, so switching
 * cards in page and the first load share one code path.
 */
export function renderSandboxPage(cfg: SandboxConfig): string {
  const t = cfg.texts;
  const langLink = (lang: string) =>
    `<a class="sandbox-bar__lang${lang === cfg.lang ? ' is-active' : ''}" data-lang="${lang}" href="/sandbox?${escapeHtml(sandboxQuery(cfg, lang))}">${lang.toUpperCase()}</a>`;
  const settingsHref = `/sandbox?page=settings&amp;lang=${cfg.lang}${cfg.user.isAdmin ? '' : '&amp;admin=0'}${cfg.theme === 'dark' ? '&amp;theme=dark' : ''}`;
  const other = cfg.theme === 'dark' ? 'light' : 'dark';
  const themeLink = `<a class="sandbox-bar__theme" id="sandbox-theme-switch" data-theme-to="${other}" href="/sandbox?${escapeHtml(sandboxQuery(cfg, cfg.lang, other))}">${escapeHtml(other === 'dark' ? t.themeDark : t.themeLight)}</a>`;
  const dark = cfg.theme === 'dark';
  const htmlAttrs = dark
    ? `${cfg.themeMarker !== 'class' ? ' data-theme="dark"' : ''}${cfg.themeMarker !== 'attr' ? ' class="theme-dark"' : ''}`
    : '';
  const activeNav = cfg.page === 'settings' ? 6 : cfg.entity === 'leads' ? 1 : 3;
  const nav = t.nav
    .map(
      (label, i) =>
        `<li class="nav-left__item${i === activeNav ? ' is-active' : ''}"><span class="nav-left__icon"></span>${escapeHtml(label)}</li>`,
    )
    .join('');
  const main =
    cfg.page === 'settings'
      ? `<main class="settings-page">
    <ul class="settings-nav">${t.settingsNav
      .map(
        (label, i, all) =>
          `<li class="settings-nav__item${i === all.length - 1 ? ' is-active' : ''}">${escapeHtml(label)}</li>`,
      )
      .join('')}</ul>
    <section class="settings-work">
      <div class="settings-work__head">${escapeHtml(t.settingsTitle)} › ERP Bridge</div>
      <div class="work-area" id="work-area-${cfg.widget.code}"><div class="sandbox-loading">${escapeHtml(t.widgetLoading)}</div></div>
      <div class="sandbox-errors" id="sandbox-errors" hidden></div>
    </section>
  </main>`
      : `<main class="card" data-entity="${cfg.entity}" data-card-id="${cfg.cardId}" data-lead-id="${cfg.leadId}">
    <section class="card-fields" id="card-fields"></section>
    <section class="card-feed" id="card-feed"></section>
    <aside class="card-widgets" id="card-widgets">
      <div class="card-widgets__header">${escapeHtml(t.widgets)}</div>
      <div class="card-widgets__widget" data-code="${cfg.widget.code}">
        <div class="card-widgets__widget__caption"></div>
        <div class="card-widgets__widget__body"><div class="sandbox-loading">${escapeHtml(t.widgetLoading)}</div></div>
      </div>
      <div class="sandbox-errors" id="sandbox-errors" hidden></div>
    </aside>
  </main>`;

  return `<!doctype html>
<html lang="${cfg.lang}"${htmlAttrs}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(cardTitle(cfg))} — ${escapeHtml(t.sandbox)}</title>
<link rel="stylesheet" href="/sandbox/card.css">
</head>
<body>
<header class="sandbox-bar">
  <span class="sandbox-bar__badge">${escapeHtml(t.sandbox)}</span>
  <label class="sandbox-bar__switch">${escapeHtml(t.card)}
    <select id="sandbox-deal-switcher">${switcherOptions(cfg)}</select>
  </label>
  <a class="sandbox-bar__link${cfg.page === 'settings' ? ' is-active' : ''}" id="sandbox-settings-link" href="${settingsHref}">${escapeHtml(t.settingsLink)}</a>
  <span class="sandbox-bar__user">${escapeHtml(cfg.user.name)}${cfg.user.isAdmin ? ` · ${escapeHtml(t.admin)}` : ''}</span>
  ${themeLink}
  <nav class="sandbox-bar__langs">${langLink('ru')}${langLink('en')}</nav>
</header>
<div class="layout">
  <ul class="nav-left"><li class="nav-left__logo">amo</li>${nav}</ul>
  ${main}
</div>
<div class="sandbox-notifications" id="sandbox-notifications"></div>
<script>window.__AMO_SANDBOX__ = ${scriptJson(cfg)};</script>
<script src="/sandbox/vendor/require.js"></script>
<script src="/sandbox/host.js"></script>
</body>
</html>
`;
}
