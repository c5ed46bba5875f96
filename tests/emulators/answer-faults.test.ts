import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { AnswerFaults, nginxBadGateway } from './answer-faults.js';

/** An ERP that counts what it carried out: POST /orders writes, a body `bad` is refused with 422. */
function erp() {
  const faults = new AnswerFaults();
  const written: string[] = [];
  const app = new Hono();
  app.use('*', faults.middleware({ lostAnswer: nginxBadGateway, replay: (req) => app.fetch(req) }));
  app.post('/orders', async (c) => {
    const body = await c.req.text();
    if (body === 'bad') return c.json({ error: 'refused' }, 422);
    written.push(body);
    c.header('X-Order', String(written.length));
    return c.json({ id: written.length });
  });
  app.get('/orders', (c) => c.json(written));
  const post = async (body: string) => app.request('/orders', { method: 'POST', body });
  return { faults, written, app, post };
}

describe('answer faults', () => {
  it('a lost answer: the write is made, the client gets the proxy page without the answer headers', async () => {
    const { faults, written, post } = erp();
    faults.loseNextAnswer(2, { method: 'POST', pathIncludes: '/orders' });
    for (const body of ['a', 'b']) {
      const res = await post(body);
      expect([res.status, res.headers.get('X-Order'), await res.text()]).toEqual([
        502,
        null,
        await nginxBadGateway().text(),
      ]);
    }
    expect((await post('c')).status).toBe(200);
    expect(written).toEqual(['a', 'b', 'c']);
  });

  it('only answers to work done are lost: a refused request keeps its answer, the fault waits', async () => {
    const { faults, written, post, app } = erp();
    faults.loseNextAnswer(1, { method: 'POST' });
    expect((await app.request('/orders')).status).toBe(200);
    expect((await post('bad')).status).toBe(422);
    expect((await post('a')).status).toBe(502);
    expect(written).toEqual(['a']);
  });

  it('a duplicate reaches the ERP twice and the client sees the second answer, once per request', async () => {
    const { faults, written, post } = erp();
    faults.duplicateNext(2, (req) => req.method === 'POST');
    expect(await (await post('a')).json()).toEqual({ id: 2 });
    expect(await (await post('b')).json()).toEqual({ id: 4 });
    expect(await (await post('c')).json()).toEqual({ id: 5 });
    expect(written).toEqual(['a', 'a', 'b', 'b', 'c']);
  });

  it('a held answer waits after the write until released; reset lets it go too', async () => {
    const { faults, written, post } = erp();
    faults.holdNextAnswer(2, { pathIncludes: '/orders' });
    let answered = false;
    const first = post('a').then((res) => {
      answered = true;
      return res;
    });
    await expect.poll(() => faults.heldCount).toBe(1);
    expect([written, answered]).toEqual([['a'], false]);
    faults.releaseHeldAnswers();
    expect([(await first).status, faults.heldCount]).toEqual([200, 0]);

    const second = post('b');
    await expect.poll(() => faults.heldCount).toBe(1);
    faults.reset();
    expect((await second).status).toBe(200);
  });
});
