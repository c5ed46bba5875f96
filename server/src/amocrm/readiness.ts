import type { Installation } from './installations.js';

/** /readyz's amoCRM check: the accounts whose circuit is open (amoCRM refused them lately), until when. */
export async function amocrmReadiness(installations: { listActive(): Promise<Installation[]> }) {
  const blocked = (await installations.listActive()).filter(
    (i) => i.circuitOpenUntil && i.circuitOpenUntil > new Date(),
  );
  return blocked.length
    ? {
        status: 'degraded',
        blockedAccounts: blocked.map((i) => ({
          accountId: i.accountId,
          until: i.circuitOpenUntil,
          reason: i.circuitReason,
        })),
      }
    : { status: 'ok' };
}
