/**
 * A tiny JSON path: dotted keys, array indexes and one wildcard, enough to point into any REST
 * answer without a dependency. `data[*].item_code`, `result.quantity`, `location_id[1]`,
 * `["odd key"].x`, `items[-1]`; `$` or `` (empty) is the whole document.
 */
export type PathSegment = { key: string } | { index: number } | { wildcard: true };

export interface CompiledPath {
  source: string;
  segments: PathSegment[];
  /** True when the path can yield several values (it contains `[*]`). */
  many: boolean;
}

export class PathSyntaxError extends Error {}

const IDENT = /^[^.[\]"'\s]+/;

export function compilePath(source: string): CompiledPath {
  const segments: PathSegment[] = [];
  let rest = source.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  let first = true;
  while (rest.length > 0) {
    if (rest.startsWith('[')) {
      const close = matchBracket(rest, source);
      const inner = rest.slice(1, close).trim();
      rest = rest.slice(close + 1);
      if (inner === '*') segments.push({ wildcard: true });
      else if (/^-?\d+$/.test(inner)) segments.push({ index: Number(inner) });
      else if (/^(["']).*\1$/s.test(inner)) segments.push({ key: inner.slice(1, -1) });
      else throw new PathSyntaxError(`bad bracket "[${inner}]" in path "${source}"`);
    } else {
      if (rest.startsWith('.')) rest = rest.slice(1);
      else if (!first) throw new PathSyntaxError(`expected "." or "[" at "${rest}" in path "${source}"`);
      const m = IDENT.exec(rest);
      if (!m) throw new PathSyntaxError(`expected a key at "${rest}" in path "${source}"`);
      segments.push(m[0] === '*' ? { wildcard: true } : { key: m[0] });
      rest = rest.slice(m[0].length);
    }
    first = false;
  }
  return { source, segments, many: segments.some((s) => 'wildcard' in s) };
}

function matchBracket(rest: string, source: string): number {
  const quote = rest[1] === '"' || rest[1] === "'" ? rest[1] : null;
  const close = quote ? rest.indexOf(`${quote}]`, 2) + 1 : rest.indexOf(']');
  if (close <= 0) throw new PathSyntaxError(`unclosed "[" in path "${source}"`);
  return close;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every value the path reaches; an empty list when it reaches nothing. */
export function evaluate(root: unknown, path: CompiledPath | string): unknown[] {
  const { segments } = typeof path === 'string' ? compilePath(path) : path;
  let current: unknown[] = [root];
  for (const seg of segments) {
    const next: unknown[] = [];
    for (const v of current) {
      if ('key' in seg) {
        if (isRecord(v) && Object.hasOwn(v, seg.key)) next.push(v[seg.key]);
      } else if ('index' in seg) {
        if (Array.isArray(v)) {
          const i = seg.index < 0 ? v.length + seg.index : seg.index;
          if (i >= 0 && i < v.length) next.push(v[i]);
        }
      } else if (Array.isArray(v)) next.push(...v);
      else if (isRecord(v)) next.push(...Object.values(v));
    }
    current = next;
  }
  return current;
}

/** The one value a single-valued path reaches, or undefined when it reaches nothing. */
export function getValue(root: unknown, path: CompiledPath | string): unknown {
  const compiled = typeof path === 'string' ? compilePath(path) : path;
  if (compiled.many)
    throw new PathSyntaxError(`path "${compiled.source}" has a wildcard where one value is expected`);
  return evaluate(root, compiled)[0];
}

/**
 * A list of records: with a wildcard, everything it reaches; without one, the array the path
 * points at. undefined when the path does not lead to a list (a malformed answer).
 */
export function getList(root: unknown, path: CompiledPath | string): unknown[] | undefined {
  const compiled = typeof path === 'string' ? compilePath(path) : path;
  const values = evaluate(root, compiled);
  if (compiled.many) {
    // `data[*]` over a missing `data` reaches nothing: that is a wrong shape, not an empty list.
    const parent = {
      ...compiled,
      segments: compiled.segments.slice(
        0,
        compiled.segments.findIndex((s) => 'wildcard' in s),
      ),
    };
    return evaluate(root, parent).some((v) => Array.isArray(v) || isRecord(v)) ? values : undefined;
  }
  const [value] = values;
  return Array.isArray(value) ? value : undefined;
}
