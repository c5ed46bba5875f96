import type { RestContext } from './context.js';
import { evaluate } from './path.js';
import type { FieldReader } from './values.js';

export interface StateRule<S extends string> {
  path: string;
  values: (string | number | boolean)[];
  state: S;
}

/**
 * The mapping's state rules as one function of a record: the first rule whose path holds one of its
 * values names the state; null when none does (a value the mapping does not know).
 */
export function stateReader<S extends string>(ctx: RestContext, rules: readonly StateRule<S>[]) {
  const compiled = rules.map((rule) => ({ reader: ctx.r(rule.path) as FieldReader, rule }));
  return (record: unknown): S | null => {
    for (const { reader, rule } of compiled) {
      const found = evaluate(record, reader.path);
      if (found.some((v) => rule.values.includes(v as string | number | boolean))) return rule.state;
    }
    return null;
  };
}
