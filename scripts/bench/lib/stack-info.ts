import { type Stack, TEST_SECRET } from '../../../tests/support/stack.js';

/** What a bench needs to address a stack target: its URLs, account, hook key and signing secret. */
export interface StackInfo {
  backend: string;
  emulatorUrl: string;
  accountId: number;
  subdomain: string;
  hookKey: string;
  secret: string;
  database: 'pglite' | 'postgres';
}

/** The started stack's StackInfo (its installation must exist). */
export async function stackInfo(stack: Stack): Promise<StackInfo> {
  const accountId = stack.emulator.state.account.id;
  const inst = await stack.server.services.installations.findActive(accountId);
  if (!inst) throw new Error('the installation was not created');
  return {
    backend: stack.backend,
    database: stack.server.services.database.kind,
    emulatorUrl: stack.emulator.url,
    accountId,
    subdomain: inst.subdomain,
    hookKey: inst.hookKey,
    secret: TEST_SECRET,
  };
}
