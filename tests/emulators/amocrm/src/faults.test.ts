import { afterEach, describe, expect, it } from 'vitest';
import { type StartedAmoEmulator, startAmoEmulator } from './index.js';
import { auth, send, TEST_BACKEND, TEST_SECRET, TEST_TOKEN, testEmulator } from './test-helpers.js';

describe('failNext', () => {
  it('answers gateway errors as a gateway would, then recovers', async () => {
    const { app, faults } = testEmulator();
    faults.failNext(1, 502);
    faults.failNext(1, 503);
    faults.failNext(1, 504);
    faults.failNext(1, 500);
    const bad = await app.request('/api/v4/account', { headers: auth });
    expect(bad.status).toBe(502);
    expect(bad.headers.get('content-type')).toContain('text/html');
    expect(await bad.text()).toContain('502 Bad Gateway');
    const unavailable = await app.request('/api/v4/account', { headers: auth });
    expect(unavailable.status).toBe(503);
    expect(await unavailable.text()).toBe('');
    expect((await app.request('/api/v4/account', { headers: auth })).status).toBe(504);
    const internal = await app.request('/api/v4/account', { headers: auth });
    expect(internal.status).toBe(500);
    expect(await internal.json()).toMatchObject({ status: 500 });
    expect((await app.request('/api/v4/account', { headers: auth })).status).toBe(200);
  });

  it('matches method and path prefix, and fails before the write happens', async () => {
    const { app, faults, state } = testEmulator();
    faults.failNext(1, 503, { method: 'PATCH', pathPrefix: '/leads' });
    expect((await app.request('/api/v4/leads/1001', { headers: auth })).status).toBe(200);
    const failed = await app.request('/api/v4/leads/1001', send('PATCH', { name: 'Once' }));
    expect(failed.status).toBe(503);
    expect(state.leads.get(1001)?.name).not.toBe('Once');
    expect((await app.request('/api/v4/leads/1001', send('PATCH', { name: 'Once' }))).status).toBe(200);
    expect(state.leads.get(1001)?.name).toBe('Once');
    expect(faults.pending).toBe(0);
  });
});

describe('dropConnection', () => {
  it('answers Response.error() (status 0) through app.request, which has no socket', async () => {
    const { app, faults, calls } = testEmulator();
    faults.dropConnection(1, { pathPrefix: '/account' });
    const res = await app.request('/api/v4/account', { headers: auth });
    expect(res.type).toBe('error');
    expect(calls.map((c) => c.status)).toEqual([0]);
  });
});

describe('dropConnection (real server)', () => {
  let emu: StartedAmoEmulator | undefined;
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });

  it('destroys the socket so fetch fails, then serves again', async () => {
    emu = await startAmoEmulator({
      clientSecret: TEST_SECRET,
      backendUrl: TEST_BACKEND,
      widgetDir: '/nonexistent',
      accessToken: TEST_TOKEN,
    });
    emu.faults.dropConnection(1);
    await expect(fetch(`${emu.url}/api/v4/account`, { headers: auth })).rejects.toThrow();
    const ok = await fetch(`${emu.url}/api/v4/account`, { headers: auth });
    expect(ok.status).toBe(200);
    expect(emu.calls.map((c) => c.status)).toEqual([0, 200]);
  });
});
