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
  'idempotency.key_missing',
  'idempotency.key_reused',
  'settings.secret_required',
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
  'amocrm.unavailable',
  'amocrm.lead_not_found',
  'amocrm.rate_limited',
  'internal',
]);
export type ProblemCode = z.infer<typeof ProblemCode>;

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
