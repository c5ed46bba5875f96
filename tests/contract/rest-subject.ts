import { createRestConnector, loadRestMapping } from '../../server/src/erp/rest/connector.js';
import type { ContractSubject } from './erp-connector.contract.js';

/** What the ERPNext and Odoo emulators share: a call log and the same fault switches. */
interface RestEmulator {
  url: string;
  calls: unknown[];
  faults: {
    outage(on: boolean): void;
    corruptNext(): void;
    rateLimitNext(n: number, waitMs: number): void;
  };
  close(): Promise<void>;
}

/**
 * The contract subject for a REST mapping against its emulator; `badEnv` is the mapping's
 * environment with a wrong secret (the ERP's own auth answers 401).
 */
export function restSubject(
  erp: RestEmulator,
  example: string,
  env: Record<string, string>,
  badEnv: Record<string, string>,
  /** The loop's ERP-side actions (a payment entered in the ERP). */
  loop: Pick<ContractSubject, 'payInvoice'> = {},
): ContractSubject {
  const mapping = loadRestMapping(example, env);
  const badMapping = loadRestMapping(example, badEnv);
  return {
    connector: createRestConnector({ ...mapping, baseUrl: erp.url }, { retries: 1, retryBaseMs: 10 }),
    withBadCredentials: () => createRestConnector({ ...badMapping, baseUrl: erp.url }, { retries: 1 }),
    requestCount: () => erp.calls.length,
    rateLimitNext: (n, waitMs) => erp.faults.rateLimitNext(n, waitMs),
    clearRateLimit: () => erp.faults.rateLimitNext(0, 0),
    breakErp: () => erp.faults.outage(true),
    restoreErp: () => erp.faults.outage(false),
    corruptNextResponse: () => erp.faults.corruptNext(),
    ...loop,
    close: () => erp.close(),
  };
}
