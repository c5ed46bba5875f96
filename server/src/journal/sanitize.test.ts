import { describe, expect, it } from 'vitest';
import { sanitizePath } from './sanitize.js';

describe('sanitizePath', () => {
  it('drops the query and fragment, keeps plain ids', () => {
    expect(sanitizePath('/api/v4/leads/123?with=contacts&query=Иван#x')).toBe('/api/v4/leads/123');
    expect(sanitizePath('https://api.moysklad.ru/api/remap/1.2/entity/product?filter=article=A')).toBe(
      '/api/remap/1.2/entity/product',
    );
  });
  it('masks hook keys, tokens, e-mails and phones', () => {
    expect(sanitizePath('/webhooks/amocrm/3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c')).toBe(
      '/webhooks/amocrm/:secret',
    );
    expect(sanitizePath('/x/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig')).toBe('/x/:secret');
    expect(sanitizePath('/customers/ivan%40example.com')).toBe('/customers/:email');
    expect(sanitizePath('/customers/+7%20(916)%20123-45-67')).toBe('/customers/:phone');
  });
  it('bounds the length', () => {
    expect(sanitizePath(`/${'a'.repeat(500)}`).length).toBeLessThanOrEqual(200);
  });
});
