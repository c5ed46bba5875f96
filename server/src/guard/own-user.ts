import { z } from 'zod';
import type { AmoClient } from '../amocrm/client.js';

/** GET /api/v4/account: `current_user_id` is the user the token acts as (amoCRM API v4, "Account"). */
const AccountUser = z.object({ current_user_id: z.number().int().positive() }).loose();

/**
 * The user our writes are attributed to, so hooks our own writes cause can be told apart without
 * reading the lead. Null when amoCRM does not say (then nothing is skipped).
 */
export async function ownUserIdOf(amo: Pick<AmoClient, 'request'>): Promise<number | null> {
  try {
    const account = await amo.request('GET', '/account', AccountUser);
    return account?.current_user_id ?? null;
  } catch {
    return null;
  }
}
