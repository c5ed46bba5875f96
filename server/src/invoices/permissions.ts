import type { AmoAccess } from '../amocrm/access.js';
import type { WidgetAuth } from '../amocrm/disposable-token/index.js';
import type { Installation } from '../amocrm/installations.js';
import type { AccountSettingsStore } from '../settings/account-settings.js';

export interface PermissionDeps {
  access: Pick<AmoAccess, 'clientFor'>;
  settings: AccountSettingsStore;
}

/**
 * Whether the user may request invoices: everyone when the settings name nobody, else the named
 * users and the members of the named groups (the group read from amoCRM; unreadable = not a member).
 */
export function invoicePermission(deps: PermissionDeps) {
  return async (inst: Installation, auth: WidgetAuth): Promise<boolean> => {
    const { invoices } = await deps.settings.get(inst.accountId);
    if (invoices.allowedUserIds.length === 0 && invoices.allowedGroupIds.length === 0) return true;
    if (invoices.allowedUserIds.includes(auth.userId)) return true;
    if (invoices.allowedGroupIds.length === 0) return false;
    const user = await deps.access
      .clientFor(inst)
      .getUser(auth.userId)
      .catch(() => null);
    return invoices.allowedGroupIds.includes(user?.rights?.group_id ?? -1);
  };
}
