/**
 * The advanced settings page as its own file (settings.js in the archive): only admins open it,
 * so the card panels' script.js does not carry it. entry.ts loads it through the host's RequireJS
 * (`require([<widget path>/settings.js])`) and hands over what the page needs; the chunk renders
 * with its own Preact and gives back how to unmount.
 */
import { h, render } from 'preact';
import { IsAdmin } from '../ui/admin.js';
import { SettingsPage, type SettingsPageProps } from './SettingsPage.js';

export function mountSettings(root: Element, props: SettingsPageProps): () => void {
  // The page is an administrator's: the server refuses anyone else with auth.forbidden.
  render(h(IsAdmin.Provider, { value: true }, h(SettingsPage, props)), root);
  return () => render(null, root);
}
