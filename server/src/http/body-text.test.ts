import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bodyText } from './body-text.js';

/** Our reading of a body, after the edge check read its bytes or not. */
function app(readFirst: boolean) {
  return new Hono().post('/', async (c) => {
    if (readFirst) await c.req.arrayBuffer(); // what clean-input does before any route
    return c.json({ ours: await bodyText(c) });
  });
}

describe('the body as text', () => {
  for (const readFirst of [true, false])
    it(`is the text Request.text() gives${readFirst ? ', after the bytes were read' : ''}`, async () => {
      for (const body of ['', 'a=1&b=%D0%BF', 'Сделка №1 😀', '\uFEFFaccount[id]=1', 'x\uFEFF']) {
        const expected = await new Request('http://x/', { method: 'POST', body }).text();
        const res = await app(readFirst).request('/', { method: 'POST', body });
        expect(((await res.json()) as { ours: string }).ours).toBe(expected);
      }
    });
});
