import { describe, expect, it } from 'vitest';
import { holdUntilReady } from './listen.js';

const answer = (req: Request) => new Response(new URL(req.url).pathname);
const get = (path: string) => new Request(`http://127.0.0.1${path}`);

function gate() {
  let open: () => void = () => {};
  let fail: (err: unknown) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { ready, open, fail };
}

describe('holdUntilReady: the port is open while the start finishes', () => {
  it('answers the probes at once and holds other requests until ready, then answers them', async () => {
    const g = gate();
    const fetch = holdUntilReady(answer, g.ready);
    expect(await (await fetch(get('/healthz'))).text()).toBe('/healthz');
    expect(await (await fetch(get('/readyz'))).text()).toBe('/readyz');
    let held: Response | undefined;
    const hook = Promise.resolve(fetch(get('/webhooks/amocrm/k'))).then((r) => {
      held = r;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(held).toBeUndefined();
    g.open();
    await hook;
    expect(await held?.text()).toBe('/webhooks/amocrm/k');
    expect(await (await fetch(get('/api/v1/settings'))).text()).toBe('/api/v1/settings');
  });

  it('answers held requests with a problem when the start fails', async () => {
    const g = gate();
    const fetch = holdUntilReady(answer, g.ready);
    const held = fetch(get('/api/v1/leads/1/stock'));
    g.fail(new Error('queue schema check failed'));
    const res = await held;
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'internal', status: 500 });
  });
});
