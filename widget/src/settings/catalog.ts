import type { AccountFields, AccountPipelines, AccountUsers } from '@erp-bridge/shared';
import type { WidgetApiClient } from '../api-client.js';
import { useLoad } from '../ui/common.js';

export type CatalogApi = Pick<WidgetApiClient, 'accountPipelines' | 'accountUsers' | 'accountFields'>;

export interface Catalog {
  pipelines: AccountPipelines['pipelines'];
  users: AccountUsers['users'];
  groups: AccountUsers['groups'];
  leadFields: AccountFields['fields'];
  companyFields: AccountFields['fields'];
}

/**
 * What the pickers offer, read once per page through the backend (which caches amoCRM's
 * answers). `catalog` is undefined while loading and on failure: the page then falls back to
 * typed ids, so a slow or failing amoCRM never blocks the settings.
 */
export function useCatalog(api: CatalogApi, enabled: boolean) {
  const [state, reload] = useLoad<Catalog | null>(
    () =>
      enabled
        ? Promise.all([
            api.accountPipelines(),
            api.accountUsers(),
            api.accountFields('leads'),
            api.accountFields('companies'),
          ]).then(([p, u, lf, cf]) => ({
            pipelines: p.pipelines,
            users: u.users,
            groups: u.groups,
            leadFields: lf.fields,
            companyFields: cf.fields,
          }))
        : Promise.resolve(null),
    [enabled],
  );
  return {
    catalog: state.kind === 'ok' ? (state.data ?? undefined) : undefined,
    loading: state.kind === 'loading',
    failed: state.kind === 'error',
    reload,
  };
}
