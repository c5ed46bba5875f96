import { describe, expect, it } from 'vitest';
import { emailsIn, phoneKey } from './contacts.js';
import { localToIso, nowLocal } from './dates.js';
import { navigationLink } from './links.js';
import { chunkByEncodedLength, encodeResource, guid, refersTo, str, virtualTable } from './odata.js';

describe('OData literals and URLs', () => {
  it('doubles quotes in string literals and lower-cases GUIDs', () => {
    expect(str("O'Brien")).toBe("'O''Brien'");
    expect(guid('A0000000-0000-0000-0000-00000000000F')).toBe("guid'a0000000-0000-0000-0000-00000000000f'");
    expect(() => guid("x' or 1 eq 1")).toThrow();
  });

  it('percent-encodes Cyrillic names and keeps OData punctuation', () => {
    expect(encodeResource("Document_Счет(guid'a')/Post()")).toBe(
      "Document_%D0%A1%D1%87%D0%B5%D1%82(guid'a')/Post()",
    );
  });

  it('writes virtual table parameters with raw or doubled inner quotes', () => {
    const params = { period: '2026-11-12T15:10:00', condition: "Склад_Key eq guid'a'" };
    expect(virtualTable('Balance', params, 'raw')).toBe(
      "Balance(Period=datetime'2026-11-12T15:10:00',Condition='Склад_Key eq guid'a'')",
    );
    expect(virtualTable('Balance', params, 'doubled')).toContain("Condition='Склад_Key eq guid''a'''");
    expect(virtualTable('SliceLast', {}, 'raw')).toBe('SliceLast()');
  });

  it('chunks OR lists by encoded length, never splitting a term', () => {
    const terms = Array.from({ length: 10 }, (_, i) => `Артикул eq 'SKU-${i}'`);
    const chunks = chunkByEncodedLength(terms, 200);
    expect(chunks.flat()).toEqual(terms);
    for (const c of chunks) expect(encodeURIComponent(c.join(' or ')).length).toBeLessThanOrEqual(200);
    expect(chunkByEncodedLength(['x'.repeat(500)], 100)).toEqual([['x'.repeat(500)]]);
  });
});

describe('dates', () => {
  it('adds the infobase offset to 1C local times and refuses other shapes', () => {
    expect(localToIso('2026-11-12T15:10:00', '+03:00')).toBe('2026-11-12T15:10:00+03:00');
    expect(Date.parse(localToIso('2026-11-12T15:10:00', '+03:00') ?? '')).toBe(
      Date.UTC(2026, 10, 12, 12, 10),
    );
    expect(localToIso('12.11.2026 15:10', '+03:00')).toBeNull();
  });

  it('writes now in the infobase local time', () => {
    expect(nowLocal('+03:00', Date.UTC(2026, 11, 31, 22, 30))).toBe('2027-01-01T01:30:00');
    expect(nowLocal('-02:30', Date.UTC(2026, 0, 1, 1, 0))).toBe('2025-12-31T22:30:00');
  });
});

describe('contacts', () => {
  it('compares phones by their last 10 digits, ignoring extensions', () => {
    expect(phoneKey('+7 (495) 123-45-67')).toBe('4951234567');
    expect(phoneKey('8 495 1234567')).toBe('4951234567');
    expect(phoneKey('+7 495 123-45-67 доб. 123')).toBe('4951234567');
  });

  it('finds addresses inside a representation', () => {
    expect(emailsIn('Иван <Ivan@Example.ru>, office@example.ru')).toEqual([
      'ivan@example.ru',
      'office@example.ru',
    ]);
  });
});

describe('navigation links', () => {
  it('reorders the GUID the way 1C writes refs', () => {
    expect(
      navigationLink(
        'e1c://srv/base',
        'Document_СчетНаОплатуКлиенту',
        'c5b0d1d3-e2e1-11e3-80c2-000c29a0c567',
      ),
    ).toBe('e1c://srv/base#e1cib/data/Документ.СчетНаОплатуКлиенту?ref=80c2000c29a0c56711e3e2e1c5b0d1d3');
    expect(
      navigationLink(undefined, 'Catalog_Контрагенты', 'c5b0d1d3-e2e1-11e3-80c2-000c29a0c567'),
    ).toBeNull();
  });
});

describe('references', () => {
  const id = 'C5B0D1D3-E2E1-11E3-80C2-000C29A0C567';
  it('compares a composite reference through cast(), a single-type one (`_Key`) with the guid', () => {
    expect(refersTo('ОснованиеПлатежа', id, 'Document_СчетНаОплатуКлиенту')).toBe(
      "ОснованиеПлатежа eq cast(guid'c5b0d1d3-e2e1-11e3-80c2-000c29a0c567', 'Document_СчетНаОплатуКлиенту')",
    );
    // BP 3.0: ПоступлениеНаРасчетныйСчет.РасшифровкаПлатежа.СчетНаОплату is a single-type reference.
    expect(refersTo('СчетНаОплату_Key', id, 'Document_СчетНаОплатуПокупателю')).toBe(
      "СчетНаОплату_Key eq guid'c5b0d1d3-e2e1-11e3-80c2-000c29a0c567'",
    );
  });
});
