import { IDEMPOTENCY_KEY_HEADER, widgetRoutes } from '@erp-bridge/shared';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AuthVariables } from '../../amocrm/disposable-token/index.js';
import type { InvoiceService } from '../../invoices/service.js';
import { openApiRoute } from '../contract-route.js';

export function invoiceRoutes(invoices: Pick<InvoiceService, 'list' | 'request'>) {
  return new OpenAPIHono<{ Variables: AuthVariables }>()
    .openapi(openApiRoute(widgetRoutes.leadInvoices), async (c) => {
      const auth = c.get('auth');
      return c.json(await invoices.list(auth.installation, auth, c.req.valid('param').id), 200);
    })
    .openapi(openApiRoute(widgetRoutes.requestInvoice), async (c) => {
      const auth = c.get('auth');
      const key = c.req.valid('header')[IDEMPOTENCY_KEY_HEADER.toLowerCase()] as string;
      const { created, request } = await invoices.request(
        auth.installation,
        auth,
        c.req.valid('param').id,
        key,
        c.req.valid('json'),
      );
      return created ? c.json(request, 202) : c.json(request, 200);
    });
}
