import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { hs256Verifier } from './hs256.js';

const SECRET = 'test-client-secret-0123456789abcdef';
const verify = hs256Verifier(SECRET);
const claims = { jti: 'a-jti-0001', iss: 'https://alpha.amocrm.ru', exp: 2_000_000_000 };
const signed = (header: Record<string, unknown> = { alg: 'HS256' }, secret = SECRET) =>
  new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(new TextEncoder().encode(secret));
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
/** Signed by hand, for headers and payloads jose refuses to produce. */
const hmacSigned = (header: unknown, payloadPart: string) => {
  const body = `${b64(header)}.${payloadPart}`;
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
};

describe('hs256Verifier (jose-signed tokens, so the wire is a real JWS)', () => {
  it('accepts a token jose signed with the secret and returns its claims', async () => {
    expect(verify(await signed())).toEqual({ ok: true, payload: claims });
  });

  it('refuses the wrong secret, a changed payload and a changed signature', async () => {
    expect(verify(await signed({ alg: 'HS256' }, 'another-secret-0123456789abcdef'))).toEqual({
      ok: false,
      failure: 'signature',
    });
    const [h, , s] = (await signed()).split('.');
    expect(verify(`${h}.${b64({ ...claims, jti: 'other-jti-01' })}.${s}`)).toMatchObject({
      failure: 'signature',
    });
    const flipped = `${(s as string)[0] === 'A' ? 'B' : 'A'}${(s as string).slice(1)}`;
    expect(verify(`${h}.${b64(claims)}.${flipped}`)).toMatchObject({ ok: false });
  });

  it('refuses every algorithm but HS256, alg none included', async () => {
    expect(verify(new UnsecuredJWT(claims).encode())).toEqual({ ok: false, failure: 'algorithm' });
    expect(verify(await signed({ alg: 'HS512' }))).toEqual({ ok: false, failure: 'algorithm' });
    // The HS256 signature of a header claiming another algorithm: refused on the header, not checked.
    const body = `${b64({ alg: 'hs256' })}.${b64(claims)}`;
    expect(verify(`${body}.${'A'.repeat(43)}`)).toEqual({ ok: false, failure: 'algorithm' });
  });

  it('refuses headers with extensions it does not understand (crit, b64)', async () => {
    for (const header of [
      { alg: 'HS256', crit: ['exp'], exp: 1 },
      { alg: 'HS256', b64: false, crit: ['b64'] },
    ])
      expect(verify(hmacSigned(header, b64(claims)))).toEqual({ ok: false, failure: 'malformed' });
    expect(verify(hmacSigned({ alg: 'HS256', typ: 'JWT' }, b64(claims)))).toMatchObject({ ok: true });
  });

  it('refuses shapes that are not a compact JWS', async () => {
    const good = await signed();
    for (const bad of [
      '',
      'abc',
      'a.b',
      `${good}.x`,
      `.${good.split('.').slice(1).join('.')}`,
      good.replace(/\.[^.]+$/, '.sig+with/plain=base64'),
      `${b64([1, 2])}.${b64(claims)}.${good.split('.')[2]}`,
      `${good.slice(0, 9000)}${'A'.repeat(9000)}`,
    ])
      expect(verify(bad), bad.slice(0, 40)).toMatchObject({ ok: false });
  });

  it('refuses a validly signed payload that is not a JSON object', () => {
    for (const payload of ['[1,2,3]', 'null', '"text"', '{"unterminated":'])
      expect(verify(hmacSigned({ alg: 'HS256' }, Buffer.from(payload).toString('base64url')))).toEqual({
        ok: false,
        failure: 'malformed',
      });
  });

  it('never throws and never accepts a changed header or payload (property)', async () => {
    const good = await signed();
    const signedPart = good.lastIndexOf('.');
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), (junk) => {
        expect(verify(junk).ok).toBe(false);
      }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: signedPart - 1 }),
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'),
        (at, ch) => {
          fc.pre(good[at] !== ch);
          expect(verify(`${good.slice(0, at)}${ch}${good.slice(at + 1)}`).ok).toBe(false);
        },
      ),
    );
  });
});
