import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { errorAnswer } from './problem.js';
import { DETAIL_WITHHELD } from './problem-viewer.js';

const log = { warn: () => {}, error: () => {} };

/** An app whose one route fails with a 4xx carrying technical text, as a given widget user. */
function app(auth: { isAdmin: boolean } | undefined) {
  const a = new Hono<{ Variables: { auth: { isAdmin: boolean } } }>();
  a.use('*', async (c, next) => {
    if (auth) c.set('auth', auth);
    await next();
  });
  a.get('/x', () => {
    throw new DomainError('erp.not_supported', 'MoySklad answered 412 (code 3023) for /entity/counterparty', {
      errors: [{ path: 'q', message: 'too short' }],
    });
  });
  a.onError(errorAnswer(log));
  return a;
}

describe('problem detail by viewer (issue 13: technical detail for admins only)', () => {
  it('gives an admin the detail, a manager a fixed sentence with the same status, code and field errors', async () => {
    const admin = await (await app({ isAdmin: true }).request('/x')).json();
    const managerRes = await app({ isAdmin: false }).request('/x');
    const manager = await managerRes.json();
    expect(admin.detail).toContain('3023');
    expect(managerRes.status).toBe(422);
    expect(manager).toMatchObject({ code: 'erp.not_supported', detail: DETAIL_WITHHELD, status: 422 });
    expect(manager.errors).toEqual([{ path: 'q', message: 'too short' }]);
  });

  it('leaves callers without a widget user alone (webhooks, 401s)', async () => {
    expect((await (await app(undefined).request('/x')).json()).detail).toContain('3023');
  });
});
