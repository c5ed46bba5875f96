import type { Context } from 'hono';

/** What the sandbox keeps in its URL that amoCRM keeps in the user's profile. */
const CARRIED = ['lang', 'theme', 'theme_marker', 'admin'] as const;

/**
 * amoCRM serves a widget's advanced settings page at /settings/widgets/<widget code>/ (the address
 * live accounts show for the `advanced_settings` area,
 * https://www.amocrm.ru/developers/content/integrations/areas; UNCONFIRMED on an official page).
 * Here that address opens the sandbox's settings page, in the language, theme and role of the page
 * the user came from. The fragment (#erpb-health) survives the redirect (RFC 9110 §10.2.2).
 */
export function settingsPageRedirect(c: Context) {
  const target = new URLSearchParams({ page: 'settings' });
  let from: URLSearchParams | undefined;
  try {
    from = new URL(c.req.header('referer') ?? '').searchParams;
  } catch {}
  for (const key of CARRIED) {
    const value = from?.get(key);
    if (value) target.set(key, value);
  }
  return c.redirect(`/sandbox?${target}`, 302);
}
