import fc from 'fast-check';
import qs from 'qs';
import { describe, expect, it } from 'vitest';
import { FORM_OPTIONS, fastFormTree, parseFormTree } from './form-tree.js';

const viaQs = (raw: string) => qs.parse(raw, FORM_OPTIONS);

/** Form encoding as amoCRM's sender writes it (spaces as +, UTF-8 percent-encoded). */
const enc = (s: string) => encodeURIComponent(s).replaceAll('%20', '+');

const name = fc.constantFrom(
  'leads',
  'contacts',
  'update',
  'status',
  'id',
  'name',
  'tags',
  'custom_fields',
  'values',
  'value',
  '_links',
  'self',
  'account',
  'subdomain',
  'toString',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'x1',
);
const segment = fc.oneof(
  name,
  fc.nat(12).map(String),
  fc.constantFrom('999', '1000', '1001', '007', '00', '', '-1', 'a b', 'a]b', 'a[b'),
);
const value = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('Сделка №1', 'a+b', '100%', 'x=y', 'a&b', '[', ']', '%E2%80', ''),
);
/** Keys of any depth, mostly amoCRM-shaped, some that qs reads its own way. */
const key = fc
  .tuple(name, fc.array(segment, { maxLength: 10 }))
  .map(([root, segs]) => `${root}${segs.map((s) => `[${s}]`).join('')}`);
const pair = fc.tuple(key, value, fc.boolean()).map(([k, v, raw]) =>
  // Brackets as amoCRM sends them (encoded) or written out; now and then a broken escape.
  raw ? `${k}=${enc(v)}` : `${enc(k)}=${enc(v)}`,
);
const body = fc.oneof(
  fc.array(pair, { maxLength: 14 }).map((p) => p.join('&')),
  // Near misses of amoCRM's shape: the same pairs with stray separators and escapes.
  fc
    .tuple(fc.array(pair, { maxLength: 8 }), fc.constantFrom('&', '&&', '=', '%', '%5B', '+', '[]', '=='))
    .map(([p, junk]) => [...p, junk].join('&')),
);

/** Bodies exactly as amoCRM sends them: records of entities and actions, tags, fields, in any order. */
const amoShaped = fc
  .uniqueArray(
    fc.record({
      entity: fc.constantFrom('leads', 'contacts', 'companies'),
      action: fc.constantFrom('add', 'update', 'status', 'delete'),
      index: fc.nat(25),
      field: fc.oneof(
        fc.constantFrom('id', 'name', 'status_id', 'last_modified', 'price'),
        fc
          .tuple(fc.constantFrom('tags', 'custom_fields'), fc.nat(3), fc.constantFrom('id', 'name'))
          .map((t) => t.join('][')),
        fc.tuple(fc.nat(2), fc.nat(2)).map(([f, v]) => `custom_fields][${f}][values][${v}][value`),
      ),
      value,
    }),
    { selector: (p) => `${p.entity}|${p.action}|${p.index}|${p.field}`, maxLength: 30 },
  )
  .map((pairs) =>
    [
      ...pairs.map((p) => `${p.entity}[${p.action}][${p.index}][${p.field}]=${enc(p.value)}`),
      'account[id]=31000001',
    ]
      .map((pair) => (pair.length % 2 ? pair : pair.replaceAll('[', '%5B').replaceAll(']', '%5D')))
      .join('&'),
  );

describe('the form tree of amoCRM webhook bodies', () => {
  it("reads every body of amoCRM's shape itself, exactly as qs would", () => {
    fc.assert(
      fc.property(amoShaped, (raw) => {
        expect(fastFormTree(raw)).toBeDefined();
        expect(parseFormTree(raw)).toStrictEqual(viaQs(raw));
      }),
      { numRuns: 1000 },
    );
  });

  it('is exactly what qs makes of the same body, for any body', () => {
    fc.assert(
      fc.property(body, (raw) => {
        expect(parseFormTree(raw)).toStrictEqual(viaQs(raw));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads amoCRM’s body shape, lists in index order', () => {
    const raw = [
      'leads%5Bupdate%5D%5B1%5D%5Bid%5D=2',
      'leads%5Bupdate%5D%5B0%5D%5Bid%5D=1',
      'leads%5Bupdate%5D%5B0%5D%5Bname%5D=%D0%A1%D0%B4%D0%B5%D0%BB%D0%BA%D0%B0+1',
      'leads%5Bupdate%5D%5B0%5D%5Btags%5D%5B0%5D%5Bname%5D=VIP',
      'account%5Bid%5D=31000001',
    ].join('&');
    expect(parseFormTree(raw)).toStrictEqual({
      leads: { update: [{ id: '1', name: 'Сделка 1', tags: [{ name: 'VIP' }] }, { id: '2' }] },
      account: { id: '31000001' },
    });
    expect(parseFormTree(raw)).toStrictEqual(viaQs(raw));
  });

  it('leaves what it does not read to qs: duplicates, prototype names, mixed lists, deep keys', () => {
    for (const raw of [
      'a[b]=1&a[b]=2',
      'a[0]=1&a[x]=2',
      'a[x]=1&a[0]=2',
      'a[__proto__][x]=1&b=2',
      'a[toString]=1',
      'a[1000]=x',
      'a[b][c][d][e][f][g][h][i][j]=1',
      'a=1&a[b]=2',
      'a[]=1&a[]=2',
      'a[b]=%E2%80',
    ])
      expect(parseFormTree(raw), raw).toStrictEqual(viaQs(raw));
  });
});
