import { MODELS, type OdooRecord } from './seed.js';

/**
 * Odoo domains: a prefix-notation list of leaves [field, operator, value] and the operators
 * '&' (default between leaves), '|' and '!'. Fields may traverse many2one: `location_id.usage`.
 */
export class DomainError extends Error {}

type Lookup = (model: string, id: number) => OdooRecord | undefined;

const empty = (v: unknown) => v === false || v === null || v === undefined;

function fieldValue(model: string, rec: OdooRecord, path: string, lookup: Lookup): unknown {
  const [head, ...rest] = path.split('.');
  const value = rec[head as string];
  if (rest.length === 0) return value;
  const comodel = MODELS[model]?.many2one[head as string];
  if (!comodel) throw new DomainError(`Invalid field ${model}.${head} in leaf`);
  if (empty(value)) return false;
  const related = lookup(comodel, value as number);
  return related ? fieldValue(comodel, related, rest.join('.'), lookup) : false;
}

function leaf(model: string, rec: OdooRecord, [field, op, value]: unknown[], lookup: Lookup): boolean {
  const v = fieldValue(model, rec, String(field), lookup);
  const text = (x: unknown) => (empty(x) ? '' : String(x));
  switch (op) {
    case '=':
      return empty(value) ? empty(v) : v === value;
    case '!=':
      return empty(value) ? !empty(v) : v !== value;
    case 'in':
    case 'not in': {
      if (!Array.isArray(value)) throw new DomainError(`The value of "${op}" must be a list`);
      const hit = value.some((x) => x === v || (empty(x) && empty(v)));
      return op === 'in' ? hit : !hit;
    }
    case 'like':
    case 'ilike':
    case 'not ilike': {
      const hit = !empty(v) && text(v).toLowerCase().includes(String(value).toLowerCase());
      return op === 'not ilike' ? !hit : hit;
    }
    case '=like':
    case '=ilike':
      return !empty(v) && likeToRegExp(String(value), op === '=ilike').test(text(v));
    case '<':
      return Number(v) < Number(value);
    case '>':
      return Number(v) > Number(value);
    case '<=':
      return Number(v) <= Number(value);
    case '>=':
      return Number(v) >= Number(value);
    default:
      throw new DomainError(`Invalid leaf operator ${String(op)}`);
  }
}

/** =like / =ilike patterns: % any run, _ one character. */
function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const body = [...pattern]
    .map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
}

export function filterDomain(
  model: string,
  records: OdooRecord[],
  domain: unknown,
  lookup: Lookup,
): OdooRecord[] {
  if (domain === undefined || domain === null) return records;
  if (!Array.isArray(domain)) throw new DomainError('Domain must be a list');
  const evaluate = (rec: OdooRecord): boolean => {
    let i = 0;
    const next = (): boolean => {
      const term = domain[i++];
      if (term === '&') {
        // Both operands are consumed even when the first already decides.
        const a = next();
        const b = next();
        return a && b;
      }
      if (term === '|') {
        const a = next();
        const b = next();
        return a || b;
      }
      if (term === '!') return !next();
      if (!Array.isArray(term) || term.length !== 3)
        throw new DomainError(`Invalid domain term ${JSON.stringify(term)}`);
      return leaf(model, rec, term, lookup);
    };
    let ok = true;
    while (i < domain.length) ok = next() && ok;
    return ok;
  };
  return records.filter(evaluate);
}
