import { html, raw } from 'hono/html';

export type PageStatus = 200 | 400 | 401 | 403 | 502;

/**
 * What goes to our backend, said at install (amoCRM asks integrations to tell the user when data
 * leaves amoCRM for the integration's server: https://developers.kommo.com/docs/getting-listed).
 */
export const DATA_NOTICE = {
  ru: 'erp-bridge получает из amoCRM: сделки (этап, товары и их количество), контакты и компании (телефон, e-mail, ИНН — для поиска клиента в ERP), пользователей и группы (для прав на счета), воронки и поля (для настроек). Данные хранятся на сервере erp-bridge, токены — в зашифрованном виде; при отключении интеграции токены удаляются, журнал проверок хранится по сроку хранения.',
  en: 'erp-bridge receives from amoCRM: deals (stage, products and quantities), contacts and companies (phone, e-mail, INN — to find the customer in the ERP), users and groups (for invoice rights), pipelines and fields (for the settings). The data is kept on the erp-bridge server, tokens encrypted; when the integration is disconnected its tokens are deleted and the check journal is kept for the retention period.',
} as const;

export interface PageText {
  ru: { title: string; text: string };
  en: { title: string; text: string };
}

/** One bilingual page (Russian first, then English): every install outcome, success or failure. */
export function installPage(
  t: PageText,
  status: PageStatus,
  extra: { notice?: boolean; action?: { href: string; ru: string; en: string } } = {},
): Response {
  const block = (lang: 'ru' | 'en') => html`<section lang="${lang}">
<h1>${t[lang].title}</h1><p>${t[lang].text}</p>
${extra.notice ? html`<p class="notice">${DATA_NOTICE[lang]}</p>` : ''}
${extra.action ? html`<p><a class="btn" href="${extra.action.href}">${extra.action[lang]}</a></p>` : ''}
</section>`;
  const body = html`<!doctype html><html lang="ru"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.ru.title} / ${t.en.title}</title>
<style>${raw(
    'body{font:15px/1.5 system-ui,sans-serif;color:#313942;background:#fff;max-width:38em;margin:3em auto;padding:0 1em}h1{font-size:20px}section+section{border-top:1px solid #d5d8db;margin-top:2em;padding-top:1em}.notice{background:#f5f7f9;padding:.75em 1em;border-radius:4px}.btn{display:inline-block;background:#1a5fb4;color:#fff;padding:.5em 1em;border-radius:4px;text-decoration:none}@media (prefers-color-scheme:dark){body{background:#1b2129;color:#e6e9ec}.notice{background:#26303b}}',
  )}</style></head>
<body>${block('ru')}${block('en')}</body></html>`;
  return new Response(String(body), {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });
}
