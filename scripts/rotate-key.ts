import { ConfigError, loadConfig } from '@erp-bridge/server';
import { openDatabase } from '@erp-bridge/server/db';
import { RotationError, rotateSecrets } from '../server/src/crypto/rotate.js';
import { createSecretBox, keyIdOf } from '../server/src/crypto/secret-box.js';

/**
 * `ENCRYPTION_KEY=<new> ENCRYPTION_KEY_PREVIOUS=<old> pnpm rotate-key`: re-seals every stored
 * secret with the new key, in one transaction. Run it after the servers were restarted with the
 * same two variables (they then read both keys and write with the new one); afterwards
 * ENCRYPTION_KEY_PREVIOUS can be dropped. Embedded (PGlite) data: stop the server first, only one
 * process can open DATA_DIR. Prints counts and key ids, never a secret.
 */
async function main() {
  const config = loadConfig();
  if (!config.encryptionKey) {
    throw new ConfigError(
      'ENCRYPTION_KEY (the new key) is required; ENCRYPTION_KEY_PREVIOUS names the old one',
    );
  }
  const box = createSecretBox(config.encryptionKey, config.previousEncryptionKeys);
  const previousIds = config.previousEncryptionKeys.map((k) => keyIdOf(Buffer.from(k, 'base64')));
  if (previousIds.length === 0) {
    console.warn('ENCRYPTION_KEY_PREVIOUS is empty: only values already under the new key can be read');
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    console.log(
      `rotating stored secrets to key ${box.keyId} (previous: ${previousIds.join(', ') || 'none'}) on ${database.kind}`,
    );
    const r = await rotateSecrets(database.db, box);
    console.log(
      [
        `installations: ${r.installations.rows} rows, ${r.installations.accessTokens} access tokens, ${r.installations.refreshTokens} refresh tokens re-sealed`,
        `erp_settings: ${r.erpSettings.rows} rows re-sealed`,
        `alert_settings: ${r.alertSettings.rows} webhook secrets re-sealed`,
        `total: ${r.resealed} re-sealed, ${r.skipped} already under key ${r.keyId}`,
        'done: ENCRYPTION_KEY_PREVIOUS is no longer needed for stored data',
      ].join('\n'),
    );
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof RotationError;
  console.error(known ? (err as Error).message : `rotate-key failed: ${(err as Error).message}`);
  process.exit(1);
});
