import { describe, expect, it } from 'vitest';
import { isAllowedOrigin } from './cors.js';

describe('widget CORS origins', () => {
  it('allows amoCRM and Kommo account origins', () => {
    expect(isAllowedOrigin('https://shop.amocrm.ru', [])).toBe(true);
    expect(isAllowedOrigin('https://shop.amocrm.com', [])).toBe(true);
    expect(isAllowedOrigin('https://my-shop.kommo.com', [])).toBe(true);
  });

  it('refuses look-alikes, plain http and unknown hosts', () => {
    expect(isAllowedOrigin('http://shop.amocrm.ru', [])).toBe(false);
    expect(isAllowedOrigin('https://shop.amocrm.ru.evil.com', [])).toBe(false);
    expect(isAllowedOrigin('https://evilamocrm.ru', [])).toBe(false);
    expect(isAllowedOrigin('https://a.b.amocrm.ru', [])).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:8788', [])).toBe(false);
  });

  it('allows configured extra origins exactly', () => {
    expect(isAllowedOrigin('http://127.0.0.1:8788', ['http://127.0.0.1:8788'])).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:8789', ['http://127.0.0.1:8788'])).toBe(false);
  });
});
