import qs from 'qs';

/** How amoCRM's bracketed form bodies are read (qs options; the fast path below gives the same tree). */
export const FORM_OPTIONS = {
  depth: 8,
  arrayLimit: 1000,
  parameterLimit: 20_000,
  allowDots: false,
  charset: 'utf-8',
} as const;

const INDEX = /^(?:0|[1-9][0-9]{0,2})$/; // what qs turns into an array slot below arrayLimit (1000)
const DIGITS = /^[0-9]+$/;
const NAME = /^[A-Za-z0-9_]+$/;

/** Names qs refuses as keys (allowPrototypes: false): the fast path leaves such bodies to qs. */
const isPrototypeName = (name: string) => name === '__proto__' || Object.hasOwn(Object.prototype, name);

/** A list slot's holes: qs compacts them away. */
const HOLES = Symbol('holes');
type Node = Record<string, unknown> | (unknown[] & { [HOLES]?: true });

/**
 * The body as qs.parse(raw, FORM_OPTIONS) reads it. qs took ~85 % of a hook's parse time (~0.15 ms
 * per 1 KB body; the parse was 9–12 % of a web instance's CPU under the ack benchmark), most of it
 * in its general key handling. amoCRM's bodies use one plain shape, `leads[update][0][id]=…`:
 * that shape is read here directly. Anything else (a duplicate key, `[]`, a key qs would drop or
 * keep as a literal, a mix of indexes and names in one place, bad percent-encoding) goes to qs
 * itself, so the result is always qs's (form-tree.test.ts checks both against each other).
 */
export function parseFormTree(raw: string): Record<string, unknown> {
  return fastFormTree(raw) ?? (qs.parse(raw, FORM_OPTIONS) as Record<string, unknown>);
}

const decode = (s: string) =>
  s.includes('%') || s.includes('+') ? decodeURIComponent(s.replaceAll('+', ' ')) : s;

/** The names of a key (`a[b][0]` → a, b, 0); undefined unless it is a plain name with up to 8 brackets of names. */
function namesOf(key: string): string[] | undefined {
  const open = key.indexOf('[');
  const names = [open < 0 ? key : key.slice(0, open)];
  for (let at = open; at >= 0 && at < key.length; ) {
    if (key[at] !== '[') return undefined;
    const close = key.indexOf(']', at);
    if (close < 0) return undefined;
    names.push(key.slice(at + 1, close));
    at = close + 1;
  }
  if (names.length > 9) return undefined; // depth 8: qs keeps the rest as one literal name
  for (const n of names) if (!NAME.test(n)) return undefined;
  return names;
}

/**
 * amoCRM's bodies repeat the same few dozen keys (`leads%5Bupdate%5D%5B0%5D%5Bid%5D`): their
 * names are kept, at most KEY_CACHE of them, the lot dropped when full (strangers' keys cannot
 * grow it). A cached array is only read, never changed.
 */
const KEY_CACHE = 512;
const keyCache = new Map<string, readonly string[] | null>();
function keyNames(rawKey: string): readonly string[] | undefined {
  let names = keyCache.get(rawKey);
  if (names === undefined) {
    names = namesOf(decode(rawKey)) ?? null;
    if (keyCache.size >= KEY_CACHE) keyCache.clear();
    keyCache.set(rawKey, names);
  }
  return names ?? undefined;
}

/** The tree of a body of amoCRM's plain shape; undefined for any other (qs reads those). */
export function fastFormTree(raw: string): Record<string, unknown> | undefined {
  const parts = raw.split('&');
  if (parts.length > FORM_OPTIONS.parameterLimit) return undefined;
  const root: Record<string, unknown> = {};
  let holes = false;
  try {
    for (const part of parts) {
      const eq = part.indexOf('=');
      if (eq <= 0) return undefined;
      const names = keyNames(part.slice(0, eq));
      if (!names) return undefined;
      const placed = place(root, names, decode(part.slice(eq + 1)));
      if (placed === false) return undefined;
      holes ||= placed === HOLES;
    }
  } catch {
    return undefined; // malformed percent-encoding: qs keeps such text as it is
  }
  if (holes) compact(root);
  return root;
}

/**
 * Puts `value` at `names` under `root`: true, HOLES when a list got a slot past its end, false
 * where qs would merge, combine or drop instead.
 */
function place(
  root: Record<string, unknown>,
  names: readonly string[],
  value: string,
): boolean | typeof HOLES {
  let at: Node = root;
  let holes = false;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (isPrototypeName(name)) return false;
    const list = Array.isArray(at) ? at : undefined;
    const index = list ? Number(name) : -1;
    const slot = list ? list[index] : (at as Record<string, unknown>)[name];
    if (list && index > list.length) {
      holes = true;
      list[HOLES] = true;
    }
    if (i === names.length - 1) {
      if (slot !== undefined) return false; // a duplicate key (qs combines) or a value beside children
      if (list) list[index] = value;
      else (at as Record<string, unknown>)[name] = value;
      return holes ? HOLES : true;
    }
    // Below the top level, a container holds indexes (a list) or names (an object), never both:
    // qs merges a mix into an object; and digits that are no index (007, 1000) qs treats apart.
    const child = names[i + 1] as string;
    const wantsList = INDEX.test(child);
    if (!wantsList && DIGITS.test(child)) return false;
    let next = slot as Node | undefined;
    if (next === undefined) {
      next = wantsList ? [] : {};
      if (list) list[index] = next;
      else (at as Record<string, unknown>)[name] = next;
    } else if (typeof next !== 'object' || wantsList !== Array.isArray(next)) return false;
    at = next;
  }
  return holes ? HOLES : true;
}

/** Drops the holes of lists filled out of order, as qs does (index order kept). */
function compact(node: Node): Node {
  if (Array.isArray(node)) {
    const dense = node[HOLES] ? node.filter(() => true) : node;
    for (let i = 0; i < dense.length; i++)
      if (typeof dense[i] === 'object') dense[i] = compact(dense[i] as Node);
    return dense;
  }
  for (const k of Object.keys(node)) if (typeof node[k] === 'object') node[k] = compact(node[k] as Node);
  return node;
}
