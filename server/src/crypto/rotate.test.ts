import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertSettings } from '../alerts/table.js';
import type { Database } from '../db/open.js';
import { erpSettings, installations } from '../db/schema.js';
import { testBackends } from '../db/test-databases.js';
import { RotationError, rotateSecrets, sealedKeyId } from './rotate.js';
import { createSecretBox, generateKeyBase64 } from './secret-box.js';

const oldKey = generateKeyBase64();
const newKey = generateKeyBase64();
const oldBox = createSecretBox(oldKey);
const rotatingBox = createSecretBox(newKey, [oldKey]);
const newOnly = createSecretBox(newKey);

const PLAIN = {
  access1: 'access-token-of-account-1',
  refresh1: 'refresh-token-of-account-1',
  access2: 'access-token-of-account-2',
  refresh2: 'refresh-token-of-account-2',
  erp1: JSON.stringify({ token: 'moysklad-token-1' }),
  erp2: JSON.stringify({ password: '1c-password-2' }),
  alert1: 'alert-webhook-signing-secret-1',
};

const hookKey = () => randomBytes(12).toString('hex');

for (const backend of testBackends) {
  describe(`key rotation (${backend.name})`, () => {
    let database: Database;
    beforeAll(async () => {
      database = await backend.open();
      const db = database.db;
      await db.insert(installations).values([
        {
          accountId: 1,
          subdomain: 'one',
          hookKey: hookKey(),
          accessTokenEnc: oldBox.seal(PLAIN.access1),
          refreshTokenEnc: oldBox.seal(PLAIN.refresh1),
        },
        // Half rotated already (a refresh under the new key wrote the access token).
        {
          accountId: 2,
          subdomain: 'two',
          hookKey: hookKey(),
          accessTokenEnc: rotatingBox.seal(PLAIN.access2),
          refreshTokenEnc: oldBox.seal(PLAIN.refresh2),
        },
        // A long-lived-token installation: nothing sealed.
        { accountId: 3, subdomain: 'three', hookKey: hookKey() },
      ]);
      await db.insert(erpSettings).values([
        { accountId: 1, kind: 'moysklad', publicJson: '{}', secretsEnc: oldBox.seal(PLAIN.erp1) },
        { accountId: 2, kind: 'onec', publicJson: '{}', secretsEnc: oldBox.seal(PLAIN.erp2) },
        { accountId: 3, kind: 'local', publicJson: '{}', secretsEnc: null },
      ]);
      await db.insert(alertSettings).values([
        {
          accountId: 1,
          webhookUrl: 'https://alerts.example/hook',
          webhookSecretEnc: oldBox.seal(PLAIN.alert1),
        },
        { accountId: 2, webhookUrl: null, webhookSecretEnc: null },
      ]);
    });
    afterAll(() => database?.close());

    const snapshot = async () => ({
      insts: await database.db.select().from(installations).orderBy(installations.accountId),
      settings: await database.db.select().from(erpSettings).orderBy(erpSettings.accountId),
      alerts: await database.db.select().from(alertSettings).orderBy(alertSettings.accountId),
    });

    it('refuses to rotate when an old key is missing, and changes nothing', async () => {
      const before = await snapshot();
      // The new key alone cannot open the old values: the whole rotation rolls back.
      await expect(rotateSecrets(database.db, newOnly)).rejects.toThrow(RotationError);
      await expect(rotateSecrets(database.db, newOnly)).rejects.toThrow(/ENCRYPTION_KEY_PREVIOUS/);
      expect(await snapshot()).toEqual(before);
    });

    it('re-seals every value with the new key, after which the old key is not needed', async () => {
      const result = await rotateSecrets(database.db, rotatingBox);
      expect(result).toEqual({
        keyId: newOnly.keyId,
        installations: { rows: 2, accessTokens: 1, refreshTokens: 2 },
        erpSettings: { rows: 2, secrets: 2 },
        alertSettings: { rows: 1 },
        resealed: 6,
        skipped: 1,
      });

      const { insts, settings, alerts } = await snapshot();
      const sealed = [
        ...insts.flatMap((r) => [r.accessTokenEnc, r.refreshTokenEnc]),
        ...settings.map((r) => r.secretsEnc),
        ...alerts.map((r) => r.webhookSecretEnc),
      ].filter((v): v is string => v !== null);
      expect(sealed).toHaveLength(7);
      for (const v of sealed) expect(sealedKeyId(v)).toBe(newOnly.keyId);
      for (const v of sealed) expect(() => oldBox.open(v)).toThrow(/no key/);

      // Opened with a box that knows only the new key.
      const [i1, i2, i3] = insts;
      expect(newOnly.open(i1?.accessTokenEnc ?? '')).toBe(PLAIN.access1);
      expect(newOnly.open(i1?.refreshTokenEnc ?? '')).toBe(PLAIN.refresh1);
      expect(newOnly.open(i2?.accessTokenEnc ?? '')).toBe(PLAIN.access2);
      expect(newOnly.open(i2?.refreshTokenEnc ?? '')).toBe(PLAIN.refresh2);
      expect(i3?.accessTokenEnc).toBeNull();
      expect(newOnly.open(settings[0]?.secretsEnc ?? '')).toBe(PLAIN.erp1);
      expect(newOnly.open(settings[1]?.secretsEnc ?? '')).toBe(PLAIN.erp2);
      expect(settings[2]?.secretsEnc).toBeNull();
      expect(newOnly.open(alerts[0]?.webhookSecretEnc ?? '')).toBe(PLAIN.alert1);
      expect(alerts[1]?.webhookSecretEnc).toBeNull();
      // The connection did not change: cached connectors need no rebuild.
      expect(settings.map((s) => s.version)).toEqual([1, 1, 1]);
    });

    it('is idempotent: a second run skips every value', async () => {
      const before = await snapshot();
      const result = await rotateSecrets(database.db, newOnly);
      expect(result.resealed).toBe(0);
      expect(result.skipped).toBe(7);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses a value that is not in the sealed format, naming the row but not the value', async () => {
      await database.db
        .update(installations)
        .set({ accessTokenEnc: 'plain-text-token' })
        .where(eq(installations.accountId, 3));
      const err = await rotateSecrets(database.db, newOnly).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RotationError);
      expect((err as Error).message).not.toContain('plain-text-token');
    });
  });
}
