import type { AmoAccess } from '../amocrm/access.js';
import { ensureLongLivedInstallation } from '../amocrm/install.js';
import type { InstallationRepo } from '../amocrm/installations.js';
import type { Logger } from '../log.js';
import { JOBS } from './platform-jobs.js';
import type { JobQueue } from './queue.js';

/**
 * A private integration with a long-lived token (AMO_LONG_LIVED_TOKEN): its installation is made
 * at start, and the install job subscribes its webhooks once per destination (idempotent at
 * amoCRM too): hooks drive the guard.
 */
export async function installLongLived(deps: {
  token: string;
  subdomain: string;
  publicUrl: URL;
  access: Pick<AmoAccess, 'accountBase'>;
  installations: InstallationRepo;
  queue: Pick<JobQueue, 'send'>;
  log: Logger;
  fetch?: typeof fetch;
}) {
  const inst = await ensureLongLivedInstallation({
    token: deps.token,
    base: deps.access.accountBase({ subdomain: deps.subdomain, domain: 'amocrm.ru' }),
    installations: deps.installations,
    fetch: deps.fetch,
  });
  deps.log.info(
    { accountId: inst.accountId, subdomain: inst.subdomain },
    'installation ready (long-lived token)',
  );
  await deps.queue.send(
    JOBS.install,
    { installationId: inst.id, accountId: inst.accountId },
    { key: `install-${inst.accountId}-${deps.publicUrl.origin}` },
  );
}
