import {
  IDEMPOTENCY_KEY_HEADER,
  InvoiceList,
  InvoiceRequest,
  InvoiceRequestInput,
  LeadIdParam,
} from '@erp-bridge/shared';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AuthVariables } from '../../amocrm/disposable-token/index.js';
import type { InvoiceService } from '../../invoices/service.js';
import { authProblems, json, problem } from './openapi-helpers.js';

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/leads/{id}/invoices',
  summary: "The deal's invoice requests, and whether (and what) the user may request now",
  request: { params: LeadIdParam },
  security: [{ disposableToken: [] }],
  responses: { 200: json(InvoiceList, 'Invoice requests'), ...authProblems, 404: problem('No such deal') },
});

const requestRoute = createRoute({
  method: 'post',
  path: '/api/v1/leads/{id}/invoices',
  summary: 'Request an invoice for the deal (exactly once per Idempotency-Key)',
  request: {
    params: LeadIdParam,
    headers: z.object({ [IDEMPOTENCY_KEY_HEADER.toLowerCase()]: z.string().min(8).max(200) }),
    body: { content: { 'application/json': { schema: InvoiceRequestInput } }, required: true },
  },
  security: [{ disposableToken: [] }],
  responses: {
    200: json(InvoiceRequest, 'The request this key already made'),
    202: json(InvoiceRequest, 'Accepted: the invoice is being created'),
    ...authProblems,
    409: problem('Stock is short, or the deal changed since it was confirmed'),
    422: problem('Nothing to invoice, no customer, or the key was used for another request'),
  },
});

export function invoiceRoutes(invoices: Pick<InvoiceService, 'list' | 'request'>) {
  return new OpenAPIHono<{ Variables: AuthVariables }>()
    .openapi(listRoute, async (c) => {
      const auth = c.get('auth');
      return c.json(await invoices.list(auth.installation, auth, c.req.valid('param').id), 200);
    })
    .openapi(requestRoute, async (c) => {
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
