import type { SettingsUpdate } from '@erp-bridge/shared';
import type { Stack } from './stack.js';
import { until } from './wait.js';

// Reading the stack's state the way the integration tests check it: the amoCRM emulator's
// records and the backend's own services.

/** Until the backend has subscribed its webhook in amoCRM (it does so on install). */
export const webhookSubscribed = (stack: Stack) =>
  until(() => stack.emulator.state.webhooks.size > 0, 'webhook subscription');

/** Until every stored webhook event has been processed. */
export const inboxDrained = (stack: Stack) =>
  until(async () => (await stack.server.services.inbox.counts()).pending === 0, 'inbox drained');

/** Waits until amoCRM has sent every hook and we have processed every stored event. */
export async function settle(stack: Stack): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await stack.emulator.webhooks.flush();
    await inboxDrained(stack);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The deal as amoCRM holds it; throws when there is none. */
export function leadOf(stack: Pick<Stack, 'emulator'>, id: number) {
  const l = stack.emulator.state.leads.get(id);
  if (!l) throw new Error(`no lead ${id}`);
  return l;
}

export const notesOf = (stack: Pick<Stack, 'emulator'>, id: number) =>
  [...stack.emulator.state.notes.values()].filter((n) => n.entityId === id);

export const tasksOf = (stack: Stack, id: number) =>
  [...stack.emulator.state.tasks.values()].filter((t) => t.entityId === id);

/** The account's active installation; throws when it is not installed. */
export async function installationOf(stack: Stack, accountId: number) {
  const inst = await stack.server.services.installations.findActive(accountId);
  if (!inst) throw new Error('not installed');
  return inst;
}

/** The account's amoCRM webhook URL on the backend (its installation's secret hook key). */
export async function amoHookUrl(stack: Stack, accountId: number): Promise<string> {
  const inst = await installationOf(stack, accountId);
  return `${stack.backend}/webhooks/amocrm/${inst.hookKey}`;
}

/** Switches the guard on for `accountId` with `gatedStages` gated, plus whatever else `guard` names. */
export async function enableGuard(
  stack: Stack,
  accountId: number,
  gatedStages: { pipelineId: number; statusId: number }[],
  guard: NonNullable<SettingsUpdate['guard']> = {},
): Promise<void> {
  await stack.server.services.accountSettings.update(accountId, {
    guard: { enabled: true, gatedStages, ...guard },
  });
}
