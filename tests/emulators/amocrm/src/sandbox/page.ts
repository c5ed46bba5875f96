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

/**
 * The card page skeleton. The deal column and the widget panel are drawn by host.js from the
 * embedded config, so switching deals in page and the first load share one code path.
 */
export function renderSandboxPage(cfg: SandboxConfig): string {
  const t = cfg.texts;
  const current = cfg.leads.find((l) => l.id === cfg.leadId);
  const title = cfg.leadId === 0 ? t.newDeal : (current?.name ?? `${t.deal} #${cfg.leadId}`);
  const options = [
    ...cfg.leads.map((l) => ({ id: l.id, label: `#${l.id} ${l.name}` })),
    ...(current || cfg.leadId === 0 ? [] : [{ id: cfg.leadId, label: `#${cfg.leadId} ${t.unknownDeal}` }]),
    { id: 0, label: t.unsavedCard },
  ]
    .map(
      (o) =>
        `<option value="${o.id}"${o.id === cfg.leadId ? ' selected' : ''}>${escapeHtml(o.label)}</option>`,
    )
    .join('');
  const langLink = (lang: string) =>
    `<a class="sandbox-bar__lang${lang === cfg.lang ? ' is-active' : ''}" data-lang="${lang}" href="/sandbox?lead=${cfg.leadId}&amp;lang=${lang}${cfg.user.isAdmin ? '' : '&amp;admin=0'}">${lang.toUpperCase()}</a>`;
  const nav = t.nav
    .map(
      (label, i) =>
        `<li class="nav-left__item${i === 1 ? ' is-active' : ''}"><span class="nav-left__icon"></span>${escapeHtml(label)}</li>`,
    )
    .join('');

  return `<!doctype html>
<html lang="${cfg.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — ${escapeHtml(t.sandbox)}</title>
<link rel="stylesheet" href="/sandbox/card.css">
</head>
<body>
<header class="sandbox-bar">
  <span class="sandbox-bar__badge">${escapeHtml(t.sandbox)}</span>
  <label class="sandbox-bar__switch">${escapeHtml(t.deal)}
    <select id="sandbox-deal-switcher">${options}</select>
  </label>
  <span class="sandbox-bar__user">${escapeHtml(cfg.user.name)}${cfg.user.isAdmin ? ` · ${escapeHtml(t.admin)}` : ''}</span>
  <nav class="sandbox-bar__langs">${langLink('ru')}${langLink('en')}</nav>
</header>
<div class="layout">
  <ul class="nav-left"><li class="nav-left__logo">amo</li>${nav}</ul>
  <main class="card" data-lead-id="${cfg.leadId}">
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
  </main>
</div>
<div class="sandbox-notifications" id="sandbox-notifications"></div>
<script>window.__AMO_SANDBOX__ = ${scriptJson(cfg)};</script>
<script src="/sandbox/vendor/require.js"></script>
<script src="/sandbox/host.js"></script>
</body>
</html>
`;
}
