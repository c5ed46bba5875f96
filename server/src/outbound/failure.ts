/**
 * Why an attempt produced no usable answer. Vendors turn these into their own errors
 * (ErpError 'timeout' / 'unavailable', AmoApiError, ...); `aborted` means the caller left.
 */
export type FailureKind = 'aborted' | 'timeout' | 'network' | 'broken' | 'too_large';

export class OutboundFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundFailure';
  }
}

/** Node's fetch hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`. */
export function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause ? `${err.message} (${cause.code ?? cause.message ?? ''})` : err.message;
}
