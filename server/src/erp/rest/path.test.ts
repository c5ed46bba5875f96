import { describe, expect, it } from 'vitest';
import { compilePath, evaluate, getList, getValue, PathSyntaxError } from './path.js';

const frappe = {
  data: [
    { item_code: 'A', qty: 1 },
    { item_code: 'B', qty: 2 },
  ],
};
const quant = { location_id: [7, 'MSK/Stock'], 'odd key': { x: 1 } };

describe('path', () => {
  it('reads dotted keys, indexes and negative indexes', () => {
    expect(getValue({ result: { quantity: 3 } }, 'result.quantity')).toBe(3);
    expect(getValue(quant, 'location_id[1]')).toBe('MSK/Stock');
    expect(getValue(quant, 'location_id[0]')).toBe(7);
    expect(getValue(quant, 'location_id[-1]')).toBe('MSK/Stock');
    expect(getValue(frappe, 'data[1].item_code')).toBe('B');
    expect(getValue(quant, '["odd key"].x')).toBe(1);
    expect(getValue(quant, "$['odd key'].x")).toBe(1);
  });

  it('collects through a wildcard', () => {
    expect(evaluate(frappe, 'data[*].item_code')).toEqual(['A', 'B']);
    expect(evaluate({ a: { x: 1, y: 2 } }, 'a.*')).toEqual([1, 2]);
    expect(evaluate([[1, 2], [3]], '[*][*]')).toEqual([1, 2, 3]);
  });

  it('treats $ and the empty path as the whole document', () => {
    expect(getValue(42, '')).toBe(42);
    expect(getValue(frappe, '$')).toBe(frappe);
    expect(getList([1, 2], '$')).toEqual([1, 2]);
  });

  it('reaches nothing rather than guessing', () => {
    expect(getValue(frappe, 'data[5].item_code')).toBeUndefined();
    expect(getValue(frappe, 'data.item_code')).toBeUndefined();
    expect(getValue('text', 'length')).toBeUndefined();
    // Own keys only: no prototype walking.
    expect(getValue({}, 'constructor')).toBeUndefined();
    expect(getValue([1], 'length')).toBeUndefined();
  });

  it('finds lists with or without a wildcard and refuses a wrong shape', () => {
    expect(getList(frappe, 'data')).toHaveLength(2);
    expect(getList(frappe, 'data[*]')).toHaveLength(2);
    expect(getList({ data: [] }, 'data[*]')).toEqual([]);
    expect(getList({ data: { name: 'x' } }, 'data')).toBeUndefined();
    expect(getList({ message: 'x' }, 'data')).toBeUndefined();
    expect(getList({ message: 'x' }, 'data[*]')).toBeUndefined();
  });

  it('rejects malformed paths with the path in the message', () => {
    for (const bad of ['a..b', 'a[', 'a[x]', 'a b', 'a["x]']) {
      expect(() => compilePath(bad), bad).toThrow(PathSyntaxError);
    }
    expect(() => compilePath('a[x]')).toThrow(/a\[x\]/);
    expect(() => getValue(frappe, 'data[*].item_code')).toThrow(/wildcard/);
  });
});
