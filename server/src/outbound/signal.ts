/** The attempt's signal: the caller's cancellation combined with the per-attempt timeout. */
export function attemptSignal(timeoutMs: number, caller?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return caller ? AbortSignal.any([timeout, caller]) : timeout;
}
