import fc from 'fast-check';

/** Strings a stranger sends: anything, plus the cases that broke us (NUL, lone surrogates, SQL). */
export const nastyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom(
      '\u0000',
      '\ud800',
      '\udfff',
      '\uffff',
      '%',
      '&',
      '=',
      '[',
      ']',
      "'",
      '"',
      '\\',
      'a',
      'я',
      '😀',
    ),
    maxLength: 20,
  }),
  fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udc00y',
    "'; drop table installations; --",
    '../../etc/passwd',
    '%00',
    '%ED%A0%80',
    '%FF',
    '0',
    '-1',
    '1e309',
    '0x1F',
    'NaN',
    'x'.repeat(5000),
  ),
);

/** Percent-encoding that also carries lone surrogates (as the invalid UTF-8 a broken client sends). */
export function encodeLoose(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff)
      out += `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`;
    else out += encodeURIComponent(ch);
  }
  return out;
}

const entity = fc.constantFrom('leads', 'contacts', 'companies', 'tasks', 'unsorted', 'account', 'x', '');
const action = fc.constantFrom('add', 'update', 'status', 'delete', 'note', '');
const field = fc.constantFrom(
  'id',
  'status_id',
  'pipeline_id',
  'old_status_id',
  'last_modified',
  'name',
  'custom_fields',
  'tags',
);

/** amoCRM-shaped form bodies: bracketed keys, some valid, many not, values from nastyText. */
export const webhookForm = (accountId: number) =>
  fc
    .record({
      pairs: fc.array(
        fc.record({
          entity,
          action,
          index: fc.oneof(fc.nat(5), fc.constantFrom(-1, 1001, 99999)),
          field,
          value: fc.oneof(nastyText, fc.integer().map(String)),
        }),
        { maxLength: 12 },
      ),
      account: fc.oneof(fc.constant(String(accountId)), nastyText),
      raw: fc.option(nastyText, { nil: undefined }),
    })
    .map(({ pairs, account, raw }) =>
      [
        ...pairs.map((p) => `${p.entity}[${p.action}][${p.index}][${p.field}]=${encodeLoose(p.value)}`),
        `account[id]=${encodeLoose(account)}`,
        ...(raw === undefined ? [] : [raw]),
      ].join('&'),
    );

/** Raw bodies of any bytes (invalid UTF-8 included). */
export const rawBytes = fc.uint8Array({ maxLength: 512 });

/** Path segments: numbers in and out of range, and nasty text, percent-encoded loosely. */
export const pathId = fc.oneof(
  fc.integer({ min: 1, max: 5000 }).map(String),
  fc.constantFrom('0', '-1', '1.5', '1e3', '9'.repeat(30), 'abc', '%00', '%ED%A0%80', '%2F..%2F'),
  nastyText.filter((s) => s.length > 0 && s.length < 200).map(encodeLoose),
);

/** Any JSON-ish body, or text that is not JSON. */
export const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc
    .dictionary(nastyText, fc.oneof(nastyText, fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 5 })
    .map((v) => JSON.stringify(v)),
  nastyText,
);
