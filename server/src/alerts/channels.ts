import { createHmac } from 'node:crypto';
import type { AlertWebhookBody } from '@erp-bridge/shared';
import type { TaskInput } from '../amocrm/api-schemas.js';
import type { AmoClient } from '../amocrm/client.js';
import type { AlertEvent } from './store.js';

export const SIGNATURE_HEADER = 'X-Erpb-Signature';

const PREFIX: Record<AlertEvent['kind'], string> = {
  raised: 'erp-bridge ⚠',
  repeated: 'erp-bridge ⚠ (повтор / still open)',
  resolved: 'erp-bridge ✓',
};

export const alertText = (e: AlertEvent) => `${PREFIX[e.kind]}: ${e.message}`;

/** `sha256=<hex>` of the exact body bytes, keyed with the account's secret (as GitHub and Stripe sign). */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * A task for the chosen admin, with no deal attached: amoCRM's POST /api/v4/tasks takes entity_id
 * and entity_type as optional (https://www.amocrm.ru/developers/content/crm_platform/tasks-api).
 */
export async function sendTask(client: AmoClient, adminUserId: number, e: AlertEvent, now: Date) {
  const task = {
    text: alertText(e),
    complete_till: Math.floor(now.getTime() / 1000) + 86_400,
    responsible_user_id: adminUserId,
  } as unknown as TaskInput; // TaskInput names a deal; an account-level task has none.
  await client.addTasks([task]);
}

/** One signed POST; a non-2xx or no answer throws, so the queue retries with backoff. */
export async function sendWebhook(
  fetchImpl: typeof fetch,
  url: string,
  secret: string | null,
  e: AlertEvent,
  now: Date,
): Promise<void> {
  const payload: AlertWebhookBody = {
    event: `alert.${e.kind}`,
    accountId: e.accountId,
    alertId: e.alertId,
    rule: e.rule,
    message: alertText(e),
    at: now.toISOString(),
  };
  const body = JSON.stringify(payload);
  const res = await fetchImpl(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-erpb-event': payload.event,
      'x-erpb-delivery': `${e.alertId}.${e.sequence}`,
      ...(secret && { [SIGNATURE_HEADER]: signBody(body, secret) }),
    },
    body,
    // A redirect could lead anywhere: the receiver must answer at the URL the admin saved.
    redirect: 'manual',
    signal: AbortSignal.timeout(5000),
  });
  await res.body?.cancel();
  if (res.status < 200 || res.status >= 300) throw new Error(`alert webhook answered ${res.status}`);
}
