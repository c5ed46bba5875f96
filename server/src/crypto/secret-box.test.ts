import { describe, expect, it } from 'vitest';
import { createSecretBox, generateKeyBase64 } from './secret-box.js';

describe('secret box', () => {
  it('round-trips and never stores the plaintext', () => {
    const box = createSecretBox(generateKeyBase64());
    const sealed = box.seal('refresh-token-123');
    expect(sealed).not.toContain('refresh-token-123');
    expect(box.open(sealed)).toBe('refresh-token-123');
    expect(box.seal('x')).not.toBe(box.seal('x'));
  });

  it('refuses a tampered value', () => {
    const box = createSecretBox(generateKeyBase64());
    const parts = box.seal('secret').split('.');
    parts[4] = Buffer.from('other').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
  });

  it('opens values sealed with a previous key after rotation', () => {
    const oldKey = generateKeyBase64();
    const sealedOld = createSecretBox(oldKey).seal('kept');
    const rotated = createSecretBox(generateKeyBase64(), [oldKey]);
    expect(rotated.open(sealedOld)).toBe('kept');
    expect(() => createSecretBox(generateKeyBase64()).open(sealedOld)).toThrow(/no key/);
  });
});
