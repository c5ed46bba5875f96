import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets at rest (amoCRM tokens, ERP credentials).
 * Format: v1.<keyId>.<iv>.<tag>.<ciphertext>, base64url parts. The key id (first 8 hex of the
 * key's SHA-256) lets a rotation find rows still sealed with an older key.
 */
export interface SecretBox {
  readonly keyId: string;
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function createSecretBox(keyBase64: string, previousKeysBase64: readonly string[] = []): SecretBox {
  const key = decodeKey(keyBase64);
  const keys = new Map<string, Buffer>([[keyIdOf(key), key]]);
  for (const old of previousKeysBase64) {
    const k = decodeKey(old);
    keys.set(keyIdOf(k), k);
  }
  const keyId = keyIdOf(key);
  return {
    keyId,
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        'v1',
        keyId,
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        ct.toString('base64url'),
      ].join('.');
    },
    open(sealed) {
      const [version, id, iv, tag, ct] = sealed.split('.');
      if (version !== 'v1' || !id || !iv || !tag || ct === undefined)
        throw new Error('secret-box: malformed value');
      const k = keys.get(id);
      if (!k) throw new Error(`secret-box: no key with id ${id}`);
      const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}

function decodeKey(b64: string): Buffer {
  const key = Buffer.from(b64, 'base64');
  if (key.length !== 32) throw new Error('secret-box: key must be 32 bytes');
  return key;
}

export function generateKeyBase64(): string {
  return randomBytes(32).toString('base64');
}
