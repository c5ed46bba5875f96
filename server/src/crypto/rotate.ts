import { eq } from 'drizzle-orm';
import { alertSettings } from '../alerts/table.js';
import type { Db } from '../db/open.js';
import { erpSettings, installations } from '../db/schema.js';
import type { SecretBox } from './secret-box.js';

/** What a rotation did, per sealed column. Never contains a secret. */
export interface RotationResult {
  keyId: string;
  installations: { rows: number; accessTokens: number; refreshTokens: number };
  erpSettings: { rows: number; secrets: number };
  /** The alert webhook's signing secret per account. */
  alertSettings: { rows: number };
  /** Values re-sealed with the current key. */
  resealed: number;
  /** Values already under the current key, left as they were. */
  skipped: number;
}

export class RotationError extends Error {}

/** The key id a sealed value names (`v1.<keyId>.…`), without opening it. */
export function sealedKeyId(sealed: string): string {
  const [version, id] = sealed.split('.');
  if (version !== 'v1' || !id) throw new RotationError('a stored value is not in the v1 sealed format');
  return id;
}

/**
 * Re-seals every stored secret (amoCRM access and refresh tokens, ERP credentials, the alert
 * webhook's signing secret) with the box's
 * current key, in one transaction: either every value moves to the new key or none does. The box
 * must still hold the old keys (createSecretBox(newKey, [oldKey])) to open what they sealed.
 * Values already under the current key are skipped, so running it twice is harmless. Rows are
 * locked for the duration, so a token refresh in a running server waits rather than racing.
 */
export async function rotateSecrets(db: Db, box: SecretBox): Promise<RotationResult> {
  const result: RotationResult = {
    keyId: box.keyId,
    installations: { rows: 0, accessTokens: 0, refreshTokens: 0 },
    erpSettings: { rows: 0, secrets: 0 },
    alertSettings: { rows: 0 },
    resealed: 0,
    skipped: 0,
  };

  /** The value under the current key, or undefined when it already is (or there is none). */
  const reseal = (sealed: string | null, where: string): string | undefined => {
    if (sealed === null) return undefined;
    if (sealedKeyId(sealed) === box.keyId) {
      result.skipped++;
      return undefined;
    }
    let plain: string;
    try {
      plain = box.open(sealed);
    } catch (err) {
      // Name the row, never the value; the transaction rolls back.
      throw new RotationError(
        `cannot open ${where} (key id ${sealedKeyId(sealed)}): ${(err as Error).message}; ` +
          'pass the key it was sealed with in ENCRYPTION_KEY_PREVIOUS',
      );
    }
    result.resealed++;
    return box.seal(plain);
  };

  await db.transaction(async (tx) => {
    const insts = await tx
      .select({
        id: installations.id,
        accessTokenEnc: installations.accessTokenEnc,
        refreshTokenEnc: installations.refreshTokenEnc,
      })
      .from(installations)
      .orderBy(installations.id)
      .for('update');
    for (const row of insts) {
      const access = reseal(row.accessTokenEnc, `installations.access_token_enc of installation ${row.id}`);
      const refresh = reseal(
        row.refreshTokenEnc,
        `installations.refresh_token_enc of installation ${row.id}`,
      );
      if (access === undefined && refresh === undefined) continue;
      await tx
        .update(installations)
        .set({
          ...(access !== undefined && { accessTokenEnc: access }),
          ...(refresh !== undefined && { refreshTokenEnc: refresh }),
        })
        .where(eq(installations.id, row.id));
      result.installations.rows++;
      if (access !== undefined) result.installations.accessTokens++;
      if (refresh !== undefined) result.installations.refreshTokens++;
    }

    const settings = await tx
      .select({ accountId: erpSettings.accountId, secretsEnc: erpSettings.secretsEnc })
      .from(erpSettings)
      .orderBy(erpSettings.accountId)
      .for('update');
    for (const row of settings) {
      const secrets = reseal(row.secretsEnc, `erp_settings.secrets_enc of account ${row.accountId}`);
      if (secrets === undefined) continue;
      // The version stays: the connection did not change, only how its secrets are stored.
      await tx
        .update(erpSettings)
        .set({ secretsEnc: secrets })
        .where(eq(erpSettings.accountId, row.accountId));
      result.erpSettings.rows++;
      result.erpSettings.secrets++;
    }

    const alerts = await tx
      .select({ accountId: alertSettings.accountId, secretEnc: alertSettings.webhookSecretEnc })
      .from(alertSettings)
      .orderBy(alertSettings.accountId)
      .for('update');
    for (const row of alerts) {
      const secret = reseal(row.secretEnc, `alert_settings.webhook_secret_enc of account ${row.accountId}`);
      if (secret === undefined) continue;
      await tx
        .update(alertSettings)
        .set({ webhookSecretEnc: secret })
        .where(eq(alertSettings.accountId, row.accountId));
      result.alertSettings.rows++;
    }
  });
  return result;
}
