import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The integration-disabled hook's signature. UNCONFIRMED scheme (see docs/architecture.md, "Vendor assumptions"):
 * HMAC-SHA256 of "client_uuid|account_id" with the client secret, hex. Kept in this one place so
 * it can change without touching the route.
 */
export function disconnectSignature(secret: string, clientUuid: string, accountId: number | string): string {
  return createHmac('sha256', secret).update(`${clientUuid}|${accountId}`).digest('hex');
}

export function verifyDisconnectSignature(
  secret: string,
  clientUuid: string,
  accountId: string,
  signature: string,
): boolean {
  const expected = Buffer.from(disconnectSignature(secret, clientUuid, accountId), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
