/**
 * Placeholders in URLs, query values and JSON bodies: `{sku}`, `{skus|join:,}`, `{skus|json}`,
 * `{phone|likeDigits:7}`. `{{` and `}}` are literal braces. In a JSON body a string that is exactly
 * one placeholder becomes the raw value (an array stays an array, a number a number), and an
 * undefined value drops its key, so optional inputs (a price, a comment) simply disappear.
 */
export type Vars = Readonly<Record<string, unknown>>;

const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_]\w*)((?:\|[^{}|]+)*)\}/g;
const WHOLE = /^\{([A-Za-z_]\w*)((?:\|[^{}|]+)*)\}$/;

export class TemplateError extends Error {}

type Filter = (value: unknown, arg: string | undefined) => unknown;

const digitsOf = (v: unknown) => String(v ?? '').replace(/\D/g, '');

const FILTERS: Record<string, Filter> = {
  json: (v) => JSON.stringify(v),
  join: (v, sep = ',') => (Array.isArray(v) ? v.join(sep) : String(v)),
  digits: (v) => digitsOf(v),
  /** The last N characters of a string (the last 10 digits of a phone: `{phone|digits|last:10}`). */
  last: (v, n = '10') => String(v ?? '').slice(-Number(n)),
  /** `%4%9%5%1%2%3%` from the last N digits: a LIKE pattern that matches any phone formatting. */
  likeDigits: (v, n = '7') => `%${[...digitsOf(v).slice(-Number(n))].join('%')}%`,
  /** Numeric ids (Odoo's): "7" -> 7, ["1","2"] -> [1, 2]. */
  number: (v) => (Array.isArray(v) ? v.map(Number) : Number(v)),
  string: (v) => (Array.isArray(v) ? v.map(String) : String(v)),
};

export const FILTER_NAMES = Object.keys(FILTERS);

interface Placeholder {
  name: string;
  filters: { name: string; arg: string | undefined }[];
}

function parseFilters(raw: string): Placeholder['filters'] {
  return raw
    .split('|')
    .slice(1)
    .map((f) => {
      const colon = f.indexOf(':');
      const name = (colon < 0 ? f : f.slice(0, colon)).trim();
      if (!(name in FILTERS))
        throw new TemplateError(`unknown filter "${name}" (known: ${FILTER_NAMES.join(', ')})`);
      return { name, arg: colon < 0 ? undefined : f.slice(colon + 1) };
    });
}

function apply(p: Placeholder, vars: Vars): unknown {
  let value = vars[p.name];
  if (value === undefined) return undefined;
  for (const f of p.filters) value = FILTERS[f.name]?.(value, f.arg);
  return value;
}

const asText = (v: unknown): string =>
  v === undefined || v === null
    ? ''
    : typeof v === 'object'
      ? Array.isArray(v)
        ? v.join(',')
        : JSON.stringify(v)
      : String(v);

/** Every placeholder in a template (strings anywhere inside a JSON template included). */
export function placeholders(template: unknown): Placeholder[] {
  const found: Placeholder[] = [];
  const walk = (t: unknown) => {
    if (typeof t === 'string') {
      for (const m of t.matchAll(PLACEHOLDER)) {
        if (m[1] !== undefined) found.push({ name: m[1], filters: parseFilters(m[2] ?? '') });
      }
    } else if (Array.isArray(t)) t.forEach(walk);
    else if (t && typeof t === 'object') Object.values(t).forEach(walk);
  };
  walk(template);
  return found;
}

/** A string with its placeholders replaced; `encode` escapes each substituted value (URL paths). */
export function renderString(
  template: string,
  vars: Vars,
  encode: (value: string, name: string) => string = (s) => s,
): string {
  return template.replace(PLACEHOLDER, (all, name: string | undefined, filters: string | undefined) => {
    if (all === '{{') return '{';
    if (all === '}}') return '}';
    return encode(
      asText(apply({ name: name as string, filters: parseFilters(filters ?? '') }, vars)),
      name as string,
    );
  });
}

/** A JSON template rendered: whole-placeholder strings keep their value's type, undefined drops out. */
export function renderJson(template: unknown, vars: Vars): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    if (whole) return apply({ name: whole[1] as string, filters: parseFilters(whole[2] ?? '') }, vars);
    return renderString(template, vars);
  }
  if (Array.isArray(template)) {
    return template.map((t) => renderJson(t, vars)).filter((v) => v !== undefined);
  }
  if (template && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, t] of Object.entries(template)) {
      const v = renderJson(t, vars);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return template;
}
