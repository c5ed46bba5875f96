import { describe, expect, it } from 'vitest';
import { placeholders, renderJson, renderString, TemplateError } from './template.js';

describe('templates', () => {
  const vars = { skus: ['A-1', 'B"2'], sku: 'A/1', phone: '+7 (495) 123-45-67', n: '7', none: undefined };

  it('fills strings with filters', () => {
    expect(renderString('/items/{sku}', vars)).toBe('/items/A/1');
    expect(renderString('/items/{sku}', vars, encodeURIComponent)).toBe('/items/A%2F1');
    expect(renderString('{skus|join:;}', vars)).toBe('A-1;B"2');
    expect(renderString('{skus|join}', vars)).toBe('A-1,B"2');
    expect(renderString('[["code","in",{skus|json}]]', vars)).toBe('[["code","in",["A-1","B\\"2"]]]');
    expect(renderString('{phone|digits|last:10}', vars)).toBe('4951234567');
    expect(renderString('{phone|likeDigits:7}', vars)).toBe('%1%2%3%4%5%6%7%');
    expect(renderString('{phone|likeDigits:7|json}', vars)).toBe('"%1%2%3%4%5%6%7%"');
    expect(renderString('{{literal}} {n}', vars)).toBe('{literal} 7');
    expect(renderString('x{none}y', vars)).toBe('xy');
  });

  it('keeps value types in JSON bodies and drops undefined keys', () => {
    const body = renderJson(
      {
        domain: [['default_code', 'in', '{skus}']],
        id: '{n|number}',
        label: 'sku {sku}',
        price: '{none}',
        list: ['{none}', 1],
      },
      vars,
    );
    expect(body).toEqual({
      domain: [['default_code', 'in', ['A-1', 'B"2']]],
      id: 7,
      label: 'sku A/1',
      list: [1],
    });
    expect(renderJson(['{skus|number}'], { skus: ['1', '2'] })).toEqual([[1, 2]]);
    expect(renderJson({ a: true, b: null, c: 3 }, vars)).toEqual({ a: true, b: null, c: 3 });
  });

  it('lists placeholders and refuses unknown filters', () => {
    expect(placeholders({ q: ['{a}', { b: 'x {b|json} {{c}}' }] }).map((p) => p.name)).toEqual(['a', 'b']);
    expect(() => placeholders('{a|shout}')).toThrow(TemplateError);
  });
});
