import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../errors.js';
import { cleanInput } from './clean-input.js';

const app = new Hono();
app.use('*', cleanInput());
app.get('*', (c) => c.text('passed'));
app.onError((err, c) =>
  c.text(
    err instanceof DomainError ? `refused ${JSON.stringify(err.errors ?? err.message)}` : 'crashed',
    400,
  ),
);
const get = async (url: string) => (await app.request(url)).text();

describe('the clean-input check of a URL', () => {
  it('lets a plain clean URL through without decoding it (no % and no +)', async () => {
    expect(await get('/api/v1/leads/1001/stock?refresh=1')).toBe('passed');
    expect(await get('/api/v1/leads/1001/stock')).toBe('passed');
  });

  it('still decodes and checks every escaped part: clean escapes pass, NUL and lone surrogates are refused', async () => {
    expect(await get('/api/v1/search?q=%D0%94%D1%80%D0%B5%D0%BB%D1%8C+18')).toBe('passed');
    expect(await get('/api/v1/%00/stock')).toMatch(/^refused .*path/);
    expect(await get('/api/v1/leads/1/stock?q=a%00')).toMatch(/^refused .*query/);
    expect(await get('/api/v1/leads/1/stock?q=%ED%A0%80')).toMatch(/^refused .*query/);
    expect(await get('/api/v1/leads/1/stock?q=%E0%A4%A')).toMatch(/^refused .*query/);
    expect(await get('/api/v1/leads/%ZZ/stock')).toMatch(/^refused .*path/);
  });
});
