import type { SubscribeInput } from '../connector.js';
import type { HttpClient } from './http.js';
import * as L from './loop-schemas.js';
import { list } from './schemas.js';

/** What the ERP loop listens to: invoice changes (payedSum, state) and incoming payments. */
const WANTED = [
  { entityType: 'invoiceout', action: 'UPDATE' },
  { entityType: 'paymentin', action: 'CREATE' },
  { entityType: 'paymentin', action: 'UPDATE' },
] as const;

/**
 * Registers MoySklad webhooks (POST /entity/webhook {url, action, entityType},
 * https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-vebhuki), skipping the ones
 * already there for this url, so subscribing again creates nothing.
 */
export function moySkladSubscribe(http: HttpClient) {
  return async (input: SubscribeInput): Promise<void> => {
    const existing = await http.request({
      path: '/entity/webhook',
      query: { limit: 1000 },
      schema: list(L.Webhook),
    });
    for (const want of WANTED) {
      const has = existing.rows.some(
        (w) => w.url === input.url && w.entityType === want.entityType && w.action === want.action,
      );
      if (has) continue;
      await http.request({
        method: 'POST',
        path: '/entity/webhook',
        body: { url: input.url, action: want.action, entityType: want.entityType },
        schema: L.Webhook,
      });
    }
  };
}
