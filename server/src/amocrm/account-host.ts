/** amoCRM (.amocrm.ru / .amocrm.com) and Kommo (.kommo.com) are one platform on different hosts. */
const ACCOUNT_HOST = /^([a-z0-9][a-z0-9-]{0,62})\.(amocrm\.ru|amocrm\.com|kommo\.com)$/;

/** "shop.amocrm.ru" or "https://shop.kommo.com/" -> { subdomain, domain }; undefined if not an account host. */
export function parseAccountHost(referer: string): { subdomain: string; domain: string } | undefined {
  const host = referer
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/[/:].*$/, '');
  const m = ACCOUNT_HOST.exec(host);
  return m?.[1] && m[2] ? { subdomain: m[1], domain: m[2] } : undefined;
}
