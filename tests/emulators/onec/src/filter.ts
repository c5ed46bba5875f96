/**
 * The subset of the OData v3 $filter grammar the 1C standard interface answers and our connectors
 * use: comparisons, and/or/not, parentheses, string/guid/datetime/number/boolean literals and a few
 * string functions. 1C evaluates string comparisons the way its query language does, without regard
 * to case, so this evaluator does too.
 */
export class FilterError extends Error {}

export type Row = Record<string, unknown>;
type Value = string | number | boolean | null;

type Token =
  | { t: 'str'; v: string }
  | { t: 'guid'; v: string }
  | { t: 'datetime'; v: string }
  | { t: 'num'; v: number }
  | { t: 'ident'; v: string }
  | { t: 'punct'; v: '(' | ')' | ',' };

type Node =
  | { k: 'lit'; v: Value }
  | { k: 'field'; name: string }
  | { k: 'call'; fn: string; args: Node[] }
  | { k: 'not'; e: Node }
  | { k: 'bin'; op: string; l: Node; r: Node };

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const IDENT = /[\p{L}_][\p{L}\p{N}_]*/uy;
const NUMBER = /-?\d+(\.\d+)?/y;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** Reads a quoted literal starting at `s[i] === "'"`; `''` inside stands for one quote. */
function readQuoted(s: string, i: number): { value: string; end: number } {
  let out = '';
  let j = i + 1;
  for (;;) {
    if (j >= s.length) throw new FilterError(`unterminated string literal at ${i}`);
    if (s[j] === "'") {
      if (s[j + 1] === "'") {
        out += "'";
        j += 2;
        continue;
      }
      return { value: out, end: j + 1 };
    }
    out += s[j];
    j++;
  }
}

function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ t: 'punct', v: ch });
      i++;
      continue;
    }
    if (ch === "'") {
      const { value, end } = readQuoted(s, i);
      tokens.push({ t: 'str', v: value });
      i = end;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(s);
    if (num && (ch === '-' || /\d/.test(ch))) {
      tokens.push({ t: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    IDENT.lastIndex = i;
    const id = IDENT.exec(s);
    if (!id) throw new FilterError(`unexpected character '${ch}' at ${i}`);
    const word = id[0];
    i += word.length;
    if ((word === 'guid' || word === 'datetime') && s[i] === "'") {
      const { value, end } = readQuoted(s, i);
      i = end;
      if (word === 'guid') {
        if (!GUID.test(value)) throw new FilterError(`bad guid literal '${value}'`);
        tokens.push({ t: 'guid', v: value.toLowerCase() });
      } else {
        if (!DATETIME.test(value)) throw new FilterError(`bad datetime literal '${value}'`);
        tokens.push({ t: 'datetime', v: value.length === 16 ? `${value}:00` : value });
      }
      continue;
    }
    tokens.push({ t: 'ident', v: word });
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.or();
    if (this.i < this.tokens.length) throw new FilterError(`unexpected '${this.tokens[this.i]?.v}'`);
    return node;
  }

  private peekWord(): string | undefined {
    const tok = this.tokens[this.i];
    return tok?.t === 'ident' ? tok.v : undefined;
  }

  private expect(p: '(' | ')' | ','): void {
    const tok = this.tokens[this.i];
    if (tok?.t !== 'punct' || tok.v !== p) throw new FilterError(`expected '${p}'`);
    this.i++;
  }

  private or(): Node {
    let l = this.and();
    while (this.peekWord() === 'or') {
      this.i++;
      l = { k: 'bin', op: 'or', l, r: this.and() };
    }
    return l;
  }

  private and(): Node {
    let l = this.not();
    while (this.peekWord() === 'and') {
      this.i++;
      l = { k: 'bin', op: 'and', l, r: this.not() };
    }
    return l;
  }

  private not(): Node {
    if (this.peekWord() === 'not') {
      this.i++;
      return { k: 'not', e: this.not() };
    }
    const l = this.primary();
    const op = this.peekWord();
    if (op && COMPARISONS.has(op)) {
      this.i++;
      return { k: 'bin', op, l, r: this.primary() };
    }
    return l;
  }

  private primary(): Node {
    const tok = this.tokens[this.i++];
    if (!tok) throw new FilterError('unexpected end of $filter');
    switch (tok.t) {
      case 'str':
      case 'guid':
      case 'datetime':
      case 'num':
        return { k: 'lit', v: tok.v };
      case 'punct': {
        if (tok.v !== '(') throw new FilterError(`unexpected '${tok.v}'`);
        const inner = this.or();
        this.expect(')');
        return inner;
      }
      case 'ident': {
        if (tok.v === 'true' || tok.v === 'false') return { k: 'lit', v: tok.v === 'true' };
        if (tok.v === 'null') return { k: 'lit', v: null };
        const next = this.tokens[this.i];
        if (next?.t === 'punct' && next.v === '(') {
          this.i++;
          const args: Node[] = [];
          if (!(this.tokens[this.i]?.t === 'punct' && this.tokens[this.i]?.v === ')')) {
            args.push(this.or());
            while (this.tokens[this.i]?.t === 'punct' && this.tokens[this.i]?.v === ',') {
              this.i++;
              args.push(this.or());
            }
          }
          this.expect(')');
          return { k: 'call', fn: tok.v, args };
        }
        return { k: 'field', name: tok.v };
      }
    }
  }
}

const norm = (v: Value): Value => (typeof v === 'string' ? v.toLowerCase() : v);

function compare(op: string, a: Value, b: Value): boolean {
  if (op === 'eq') return norm(a) === norm(b);
  if (op === 'ne') return norm(a) !== norm(b);
  if (a === null || b === null) return false;
  const x = norm(a) as string | number | boolean;
  const y = norm(b) as string | number | boolean;
  if (op === 'gt') return x > y;
  if (op === 'ge') return x >= y;
  if (op === 'lt') return x < y;
  return x <= y;
}

const asString = (v: Value, fn: string): string => {
  if (typeof v !== 'string') throw new FilterError(`${fn}() expects strings`);
  return v.toLowerCase();
};

const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
  // OData v3 argument order: substringof(needle, haystack).
  substringof: ([n, h]) => asString(h ?? null, 'substringof').includes(asString(n ?? null, 'substringof')),
  startswith: ([h, p]) => asString(h ?? null, 'startswith').startsWith(asString(p ?? null, 'startswith')),
  endswith: ([h, p]) => asString(h ?? null, 'endswith').endsWith(asString(p ?? null, 'endswith')),
  tolower: ([s]) => asString(s ?? null, 'tolower'),
  toupper: ([s]) => asString(s ?? null, 'toupper').toUpperCase(),
  length: ([s]) => asString(s ?? null, 'length').length,
};

function evaluate(node: Node, row: Row): Value {
  switch (node.k) {
    case 'lit':
      return node.v;
    case 'field': {
      const v = row[node.name];
      return v === undefined ? null : (v as Value);
    }
    case 'not':
      return !evaluate(node.e, row);
    case 'call': {
      const fn = FUNCTIONS[node.fn];
      if (!fn) throw new FilterError(`unknown function ${node.fn}()`);
      return fn(node.args.map((a) => evaluate(a, row)));
    }
    case 'bin': {
      const typed = castComparison(node, row);
      if (typed !== undefined) return typed;
      if (node.op === 'and') return Boolean(evaluate(node.l, row)) && Boolean(evaluate(node.r, row));
      if (node.op === 'or') return Boolean(evaluate(node.l, row)) || Boolean(evaluate(node.r, row));
      return compare(node.op, evaluate(node.l, row), evaluate(node.r, row));
    }
  }
}

/**
 * `Field eq cast(guid'...', 'Document_X')`: a composite reference compared with a typed one. 1C
 * writes such a property as its value plus `<Field>_Type` = `StandardODATA.<EntitySet>`, and the
 * comparison holds only when both match (platform docs, "Стандартный интерфейс OData", composite
 * types and the cast function: https://its.1c.ru/db/v838doc#bookmark:dev:TI000001358).
 */
function castComparison(node: Extract<Node, { k: 'bin' }>, row: Row): boolean | undefined {
  if (node.op !== 'eq' && node.op !== 'ne') return undefined;
  const [field, cast] = node.l.k === 'field' ? [node.l, node.r] : [node.r, node.l];
  if (field.k !== 'field' || cast.k !== 'call' || cast.fn !== 'cast') return undefined;
  const [value, type] = cast.args.map((a) => evaluate(a, row));
  if (typeof value !== 'string' || typeof type !== 'string')
    throw new FilterError("cast() expects a guid and a type name: cast(guid'...', 'Document_X')");
  const rowType = row[`${field.name}_Type`];
  const same =
    norm(row[field.name] as Value) === norm(value) &&
    (rowType === undefined || rowType === `StandardODATA.${type}`);
  return node.op === 'eq' ? same : !same;
}

function fieldsOf(node: Node, out: Set<string>): Set<string> {
  if (node.k === 'field') out.add(node.name);
  else if (node.k === 'not') fieldsOf(node.e, out);
  else if (node.k === 'call') for (const a of node.args) fieldsOf(a, out);
  else if (node.k === 'bin') {
    fieldsOf(node.l, out);
    fieldsOf(node.r, out);
  }
  return out;
}

/**
 * Compiles a $filter (or a virtual table's Condition) into a predicate. Fields outside `known`
 * are refused, as 1C refuses a property its metadata does not list.
 */
export function compileFilter(expr: string, known: readonly string[]): (row: Row) => boolean {
  const ast = new Parser(tokenize(expr)).parse();
  for (const f of fieldsOf(ast, new Set())) {
    if (!known.includes(f)) throw new FilterError(`unknown property '${f}'`);
  }
  return (row) => Boolean(evaluate(ast, row));
}
