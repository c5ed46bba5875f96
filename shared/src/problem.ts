import { z } from 'zod';

/** Machine-readable error codes. A program acts on `code`; a person reads `title`/`detail`. */
export const ProblemCode = z.enum([
  'auth.missing_token',
  'auth.invalid_token',
  'auth.expired_token',
  'auth.token_replayed',
  'auth.unknown_account',
  'auth.forbidden',
  'request.invalid',
  'request.not_found',
  'request.payload_too_large',
  'request.cors_denied',
  'request.unsupported_media_type',
  'request.conflict',
  'request.rate_limited',
  'request.cancelled',
  'idempotency.key_missing',
  'idempotency.key_reused',
  'settings.secret_required',
  'settings.gate_stages_required',
  'invoice.not_allowed',
  'invoice.no_products',
  'invoice.no_customer',
  'invoice.stock_short',
  'invoice.stock_unknown',
  'invoice.deal_changed',
  'invoice.exists',
  'guard.disabled',
  'erp.not_configured',
  'erp.unavailable',
  'erp.timeout',
  'erp.auth_failed',
  'erp.rate_limited',
  'erp.customer_not_found',
  'erp.not_supported',
  'erp.customer_rejected',
  'customer.name_required',
  'amocrm.unavailable',
  'amocrm.lead_not_found',
  'amocrm.rate_limited',
  'internal',
]);
export type ProblemCode = z.infer<typeof ProblemCode>;

/**
 * The one table from code to HTTP status: the server answers with it, the widget and /openapi.json
 * read it. A code means one status everywhere, so a program may act on either.
 */
export const PROBLEM_STATUS = {
  'auth.missing_token': 401,
  'auth.invalid_token': 401,
  'auth.expired_token': 401,
  'auth.token_replayed': 401,
  'auth.unknown_account': 401,
  'auth.forbidden': 403,
  'request.invalid': 400,
  'request.not_found': 404,
  'request.payload_too_large': 413,
  'request.cors_denied': 403,
  'request.unsupported_media_type': 415,
  'request.conflict': 409,
  'request.rate_limited': 429,
  // nginx's "client closed request": never read by the caller, only seen in logs and metrics.
  'request.cancelled': 499,
  'idempotency.key_missing': 400,
  // draft-ietf-httpapi-idempotency-key-header §2.7: a key reused with another payload is 422.
  'idempotency.key_reused': 422,
  'settings.secret_required': 422,
  'settings.gate_stages_required': 422,
  'invoice.not_allowed': 403,
  'invoice.no_products': 422,
  'invoice.no_customer': 422,
  'invoice.stock_short': 409,
  'invoice.stock_unknown': 409,
  'invoice.deal_changed': 409,
  'invoice.exists': 409,
  'guard.disabled': 409,
  'erp.not_configured': 422,
  'erp.unavailable': 502,
  'erp.timeout': 504,
  'erp.auth_failed': 502,
  'erp.rate_limited': 503,
  'erp.customer_not_found': 404,
  'erp.not_supported': 422,
  // The ERP refused the customer a card describes (its validation: a bad INN, a duplicate it forbids).
  'erp.customer_rejected': 422,
  'customer.name_required': 422,
  'amocrm.unavailable': 502,
  'amocrm.lead_not_found': 404,
  'amocrm.rate_limited': 503,
  internal: 500,
} as const satisfies Record<ProblemCode, number>;

export function problemStatus(code: ProblemCode): number {
  return PROBLEM_STATUS[code];
}

/** The code for a 4xx raised by the framework itself (a body limit, a parser), by its status. */
export function problemCodeForStatus(status: number): ProblemCode {
  const found = (Object.keys(PROBLEM_STATUS) as ProblemCode[]).find(
    (code) => code.startsWith('request.') && PROBLEM_STATUS[code] === status,
  );
  return found ?? (status >= 500 ? 'internal' : 'request.invalid');
}

/** RFC 9457 problem details, with our `code` extension. Served as application/problem+json. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string(),
  code: ProblemCode,
  /** For invalid input: each offending field (dotted path) and what is wrong with it. */
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemTypeUri(code: ProblemCode): string {
  return `https://erp-bridge.dev/problems/${code.replaceAll('.', '/')}`;
}
