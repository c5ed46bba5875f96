import { z } from 'zod';
import { DomainError } from '../errors.js';

/** amoCRM answered something we cannot use; `status` is the HTTP status when there was one. */
export class AmoApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly validationErrors: { path: string; code: string; detail: string }[] = [],
  ) {
    super(message);
  }
}

/** amoCRM blocked this account (403 after abuse): no call may go out until the circuit closes. */
export class AmoAccountBlocked extends AmoApiError {
  constructor(
    readonly accountId: number,
    readonly until: Date,
  ) {
    super(`amoCRM blocked account ${accountId}; paused until ${until.toISOString()}`, 403);
  }
}

const ValidationErrors = z.object({
  'validation-errors': z.array(
    z
      .object({
        errors: z.array(z.object({ code: z.string(), path: z.string(), detail: z.string() }).loose()),
      })
      .loose(),
  ),
});

export function parseValidationErrors(body: unknown) {
  const parsed = ValidationErrors.safeParse(body);
  return parsed.success
    ? parsed.data['validation-errors'].flatMap((v) =>
        v.errors.map(({ code, path, detail }) => ({ code, path, detail })),
      )
    : [];
}

/** The abuse block answers 403, sometimes with an HTML page instead of problem+json. */
export function looksLikeAbuseBlock(status: number, contentType: string | null, body: string): boolean {
  if (status !== 403) return false;
  if (contentType?.includes('text/html') || /^\s*<(!doctype|html)/i.test(body)) return true;
  return /blocked|заблокирован|abuse/i.test(body);
}

export function amoUnavailable(err: unknown): DomainError {
  const detail = err instanceof AmoApiError ? err.message : 'amoCRM could not be reached.';
  return new DomainError('amocrm.unavailable', detail, { title: 'amoCRM is unavailable' });
}
