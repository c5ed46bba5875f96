import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createSecretBox, generateKeyBase64, type SecretBox } from './secret-box.js';

/**
 * The key that seals stored secrets. Production passes ENCRYPTION_KEY; the demo generates one into
 * DATA_DIR (mode 600) and says so, so a restart can still read what it stored.
 */
export function resolveSecretBox(config: Config, log: Logger): SecretBox {
  if (config.encryptionKey) return createSecretBox(config.encryptionKey, config.previousEncryptionKeys);
  if (config.dataDir.startsWith('memory://')) return createSecretBox(generateKeyBase64());
  const file = join(config.dataDir, 'encryption.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${generateKeyBase64()}\n`, { mode: 0o600 });
    log.warn({ file }, 'no ENCRYPTION_KEY set: generated one for the demo; set ENCRYPTION_KEY in production');
  }
  return createSecretBox(readFileSync(file, 'utf8').trim(), config.previousEncryptionKeys);
}
