import { type ProblemCode, problemStatus } from '@erp-bridge/shared';

/** One offending field of an invalid input: its dotted path and what is wrong with it. */
export interface FieldError {
  path: string;
  message: string;
}

export interface DomainErrorOptions {
  /** A short sentence for a person; the HTTP layer picks one by status when absent. */
  title?: string;
  /** Response headers the failure needs (WWW-Authenticate, Retry-After). */
  headers?: Record<string, string>;
  errors?: FieldError[];
  cause?: unknown;
}

/**
 * A failure any module may throw: a code a program acts on (its HTTP status comes from the one
 * table in shared/), and a detail a person reads. Only server/src/http/ turns it into an answer,
 * so services never depend on the HTTP layer. Leaf module: imports nothing of the server.
 */
export class DomainError extends Error {
  readonly title: string | undefined;
  readonly headers: Record<string, string>;
  readonly errors: FieldError[] | undefined;

  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    options: DomainErrorOptions = {},
  ) {
    super(`${code}: ${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.title = options.title;
    this.headers = options.headers ?? {};
    this.errors = options.errors;
  }

  get status(): number {
    return problemStatus(this.code);
  }
}
