import { ErpLoopSettings } from '@erp-bridge/shared';
import type { AmoAccess } from '../amocrm/access.js';
import type { Installation, InstallationRepo } from '../amocrm/installations.js';
import type { LeadReader } from '../amocrm/lead-products.js';
import type { CustomerService } from '../customers/service.js';
import type { Db } from '../db/open.js';
import type { ErpRegistry } from '../erp/registry.js';
import type { Logger } from '../log.js';
import type { AccountSettingsStore } from '../settings/account-settings.js';

/** What the ERP loop needs from the rest of the server. */
export interface ErpLoopDeps {
  db: Db;
  erp: Pick<ErpRegistry, 'forAccount'>;
  access: Pick<AmoAccess, 'clientFor'>;
  installations: Pick<InstallationRepo, 'findActive' | 'listActive'>;
  settings: AccountSettingsStore;
  leadReaderFor(inst: Installation): Pick<LeadReader, 'readMany'>;
  customers: Pick<CustomerService, 'customerForLead'>;
  queue: { send(name: string, data: object, opts?: { key?: string }): Promise<unknown> };
  log: Logger;
  publicUrl: URL;
  /** Invoices per account per poll (default 100): the ERP sees at most ~3 requests per poll. */
  pollBatch?: number;
  /** An open invoice is polled again after this long (default 60 s). */
  pollMinAgeMs?: number;
  /**
   * Holds one deal's order work across instances (PostgreSQL's session lock; freed if the holder
   * dies). Null: another run holds it. Absent on PGlite, where one process runs every job.
   */
  lockDeal?(accountId: number, leadId: number): Promise<(() => Promise<void>) | null>;
}

export const languageOf = (inst: Installation) => (inst.domain === 'amocrm.ru' ? 'ru' : 'en');
export const loopSettings = async (deps: ErpLoopDeps, accountId: number) =>
  ErpLoopSettings.parse((await deps.settings.get(accountId)).loop ?? {});
