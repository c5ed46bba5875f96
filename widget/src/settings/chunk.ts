/**
 * The advanced settings page as its own file (settings.js in the archive): only admins open it,
 * so the card panels' script.js does not carry it. entry.ts loads it through the host's RequireJS
 * (`require([<widget path>/settings.js])`) and hands over what the page needs; the chunk renders
 * with its own Preact and gives back how to unmount.
 */
import { h, render } from 'preact';
import type { AuthorizedAjax } from '../api-client.js';
import { IsAdmin } from '../ui/admin.js';
import { createOperatorApi } from './operator-api.js';
import { SettingsPage, type SettingsPageProps } from './SettingsPage.js';

/** What entry.ts hands over: the page's props, and the host's ajax for the operator's calls. */
export type SettingsChunkProps = Omit<SettingsPageProps, 'operator'> & { ajax: AuthorizedAjax };

export function mountSettings(root: Element, { ajax, ...props }: SettingsChunkProps): () => void {
  const operator = createOperatorApi(props.backend, ajax);
  // The page is an administrator's: the server refuses anyone else with auth.forbidden.
  render(h(IsAdmin.Provider, { value: true }, h(SettingsPage, { ...props, operator })), root);
  return () => render(null, root);
}
