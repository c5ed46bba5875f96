import { z } from 'zod';
import { defineRoute } from './route.js';

/**
 * A vendor's notification as it sends it (MoySklad: `{ "events": [...] }`). The ERP loop checks it
 * (server/src/erp-loop/hook-body.ts) once the key is known, so an unknown key is a 404 whatever the body.
 */
const ErpNotification = z.record(z.string(), z.unknown());

/**
 * Routes a vendor calls, authenticated by the unguessable key in their path (no disposable token).
 * One entry per route, as in widget-routes.ts.
 */
export const hookRoutes = {
  erpWebhook: defineRoute({
    method: 'post',
    path: '/webhooks/erp/{key}',
    summary: "The ERP's own webhooks (MoySklad invoiceout / paymentin changes); answered before any ERP call",
    access: 'hook',
    request: {
      params: z.object({ key: z.string() }),
      body: ErpNotification,
      bodyCheckedByHandler: true,
    },
    responses: { 204: { description: 'Accepted: the named entities are re-read by a queued job' } },
    errors: ['request.unsupported_media_type', 'request.not_found'],
  }),
} as const;

export type HookRoutes = typeof hookRoutes;
