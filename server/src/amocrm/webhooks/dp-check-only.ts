import type { AccountSettingsStore } from '../../settings/account-settings.js';
import type { WebhookEvent } from './parse.js';

/**
 * Event action of a Digital Pipeline call whose action setting (manifest dp.settings.mode) says
 * "check only": the guard checks, tags, notes and tasks as usual but never moves the deal.
 */
export const DP_CHECK_ONLY_ACTION = 'dp_check';

/** The check-only DP events, as the guard knows them (action "dp"). */
export function checkOnlyEvents(events: readonly WebhookEvent[]): WebhookEvent[] {
  return events.filter((e) => e.action === DP_CHECK_ONLY_ACTION).map((e) => ({ ...e, action: 'dp' }));
}

/** The account's settings with the guard's action replaced by "flag only". */
export function checkOnlySettings(store: AccountSettingsStore): AccountSettingsStore {
  return {
    ...store,
    async get(accountId: number) {
      const settings = await store.get(accountId);
      return { ...settings, guard: { ...settings.guard, action: { type: 'flag_only' } } };
    },
  };
}
