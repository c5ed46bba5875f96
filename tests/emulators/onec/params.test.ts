import { describe, expect, it } from 'vitest';
import { compileFilter, FilterError } from './src/filter.js';
import { parseVirtualTableParams } from './src/params.js';

describe('virtual table parameters', () => {
  it('reads Period and a raw Condition with inner quotes', () => {
    expect(
      parseVirtualTableParams(
        "Period=datetime'2026-11-12T15:10:00', Condition='Склад_Key eq guid'a' or Склад_Key eq guid'b''",
      ),
    ).toEqual({ period: '2026-11-12T15:10:00', condition: "Склад_Key eq guid'a' or Склад_Key eq guid'b'" });
  });

  it('reads an OData-escaped Condition before Period', () => {
    expect(
      parseVirtualTableParams("Condition='Склад_Key eq guid''a''',Period=datetime'2026-01-01T00:00'"),
    ).toEqual({
      condition: "Склад_Key eq guid'a'",
      period: '2026-01-01T00:00:00',
    });
  });

  it('refuses what it cannot read', () => {
    expect(() => parseVirtualTableParams("Condition='x")).toThrow(FilterError);
    expect(() => parseVirtualTableParams("Period=datetime'yesterday'")).toThrow(FilterError);
    expect(() => parseVirtualTableParams("Foo='x'")).toThrow(FilterError);
  });
});

describe('$filter', () => {
  const rows = [
    { Name: "O'Brien", Qty: 5, Ok: true, Ref_Key: 'a0000000-0000-0000-0000-000000000001' },
    { Name: 'Иванов', Qty: 0, Ok: false, Ref_Key: 'a0000000-0000-0000-0000-000000000002' },
  ];
  const run = (f: string) =>
    rows.filter(compileFilter(f, ['Name', 'Qty', 'Ok', 'Ref_Key'])).map((r) => r.Name);

  it('handles precedence, not, numbers, booleans, escaped quotes and functions', () => {
    expect(run("Name eq 'O''Brien'")).toEqual(["O'Brien"]);
    expect(run("Qty gt 1 or Name eq 'иванов' and Ok eq false")).toEqual(["O'Brien", 'Иванов']);
    expect(run('not (Qty ge 1)')).toEqual(['Иванов']);
    expect(run("startswith(Name, 'ив') and endswith(Name, 'ОВ')")).toEqual(['Иванов']);
    expect(run("Ref_Key eq guid'A0000000-0000-0000-0000-000000000002'")).toEqual(['Иванов']);
  });
});
