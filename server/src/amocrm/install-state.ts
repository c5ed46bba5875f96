import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The OAuth `state` we issue on our install page (amoCRM's "button on site" flow sends it back to
 * the redirect URI unchanged: https://www.amocrm.ru/developers/content/oauth/step-by-step).
 * Stateless and signed: `erpb1.<nonce>.<expiry seconds>.<hmac>`, so any instance can check it;
 * the nonce is claimed once (replay store) so a state cannot be used twice.
 * A callback whose state is not in this format was not started by us (a widget install from the
 * marketplace carries from_widget and amoCRM's own state, or none) and is not checked here.
 */
export const STATE_PREFIX = 'erpb1.';
export const STATE_TTL_SECONDS = 20 * 60; // as long as the authorization code lives

const sign = (secret: string, body: string) =>
  createHmac('sha256', `oauth-state:${secret}`).update(body).digest('base64url');

export function issueState(secret: string, now = Date.now()): string {
  const body = `${randomBytes(16).toString('base64url')}.${Math.floor(now / 1000) + STATE_TTL_SECONDS}`;
  return `${STATE_PREFIX}${body}.${sign(secret, body)}`;
}

export type StateCheck =
  | { ok: true; nonce: string; expiresAt: Date }
  | { ok: false; reason: 'forged' | 'expired' };

export function isOurState(state: string | undefined): state is string {
  return typeof state === 'string' && state.startsWith(STATE_PREFIX);
}

export function verifyState(secret: string, state: string, now = Date.now()): StateCheck {
  const parts = state.slice(STATE_PREFIX.length).split('.');
  if (parts.length !== 3) return { ok: false, reason: 'forged' };
  const [nonce = '', exp = '', mac = ''] = parts;
  const expected = Buffer.from(sign(secret, `${nonce}.${exp}`));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'forged' };
  const expiresAt = new Date(Number(exp) * 1000);
  if (!(expiresAt.getTime() > now)) return { ok: false, reason: 'expired' };
  return { ok: true, nonce, expiresAt };
}
