import type { Context } from 'hono';
import { DomainError } from '../errors.js';

/** The detail a widget user who is not an account administrator reads instead of the technical one. */
export const DETAIL_WITHHELD = 'The technical detail is shown to account administrators.';

/**
 * A problem's `detail` is technical text (what the ERP or amoCRM said, an identifier, a limit):
 * the widget folds it away for administrators only, and the server does not send it to anyone
 * else. Callers without a verified widget token (401s, webhooks) are untouched: they carry no
 * user, and their details are the fixed sentences of the auth layer.
 */
export function problemForViewer(c: Context, problem: DomainError): DomainError {
  const auth = (c.get as (key: string) => unknown)('auth') as { isAdmin?: boolean } | undefined;
  if (!auth || auth.isAdmin === true || problem.detail === DETAIL_WITHHELD) return problem;
  return new DomainError(problem.code, DETAIL_WITHHELD, {
    ...(problem.title !== undefined && { title: problem.title }),
    headers: problem.headers,
    ...(problem.errors && { errors: problem.errors }),
  });
}
