import { ErpError, type ErpErrorCode } from './connector.js';

/** ErpConnector.health from one real round trip: any failure is "not ok", with its code when known. */
export async function probeHealth(
  roundTrip: () => Promise<unknown>,
): Promise<{ ok: boolean; detail?: string; code?: ErpErrorCode }> {
  try {
    await roundTrip();
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      detail: err instanceof Error ? err.message : String(err),
      ...(err instanceof ErpError && { code: err.code }),
    };
  }
}
