import { hookRoutes } from '@erp-bridge/shared';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ErpLoop } from '../../erp-loop/service.js';
import { DomainError } from '../../errors.js';
import { openApiRoute } from '../contract-route.js';

/**
 * POST /webhooks/erp/:key — the ERP's own webhooks (MoySklad invoiceout / paymentin changes).
 * The key is per account and unguessable (erp_hook_keys); the body is checked with zod and only
 * names entities, which the queued job re-reads from the ERP. Unknown key: 404, nothing happens;
 * a bad body: problem+json 400. MoySklad waits 1500 ms, so the answer comes before any ERP call.
 */
export function erpWebhookRoutes(loop: Pick<ErpLoop, 'receiveHook'>) {
  return new OpenAPIHono().openapi(openApiRoute(hookRoutes.erpWebhook), async (c) => {
    if (!(c.req.header('content-type') ?? '').toLowerCase().includes('json'))
      throw new DomainError('request.unsupported_media_type', 'The ERP webhook body must be JSON.');
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new DomainError('request.invalid', 'The body is not JSON.', { title: 'Malformed webhook' });
    }
    const outcome = await loop.receiveHook(c.req.valid('param').key, body);
    if (outcome === 'unknown')
      throw new DomainError('request.not_found', 'No account has this ERP webhook URL.', {
        title: 'Not found',
      });
    if (outcome === 'invalid')
      throw new DomainError('request.invalid', 'The body is not a webhook notification.', {
        title: 'Malformed webhook',
      });
    return c.body(null, 204);
  });
}
