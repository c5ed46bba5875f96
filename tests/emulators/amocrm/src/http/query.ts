import type { z } from 'zod';
import type { ValidationIssue } from './responses.js';

/** Runs a zod schema and turns its issues into amoCRM validation errors. */
export function parseOrIssues<T>(
  schema: z.ZodType<T>,
  input: unknown,
): { ok: true; value: T } | { ok: false; issues: ValidationIssue[] } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', detail: i.message })),
  };
}

/**
 * Values of a bracketed array query parameter in every spelling PHP-style clients use:
 * `filter[id]=1`, `filter[id][]=1`, `filter[id][0]=1`, and comma lists `filter[id]=1,2`.
 */
export function bracketList(url: string, name: string): string[] | undefined {
  const params = new URL(url).searchParams;
  const found: string[] = [];
  let seen = false;
  for (const [key, value] of params) {
    if (key === name || (key.startsWith(`${name}[`) && /^\[\d*\]$/.test(key.slice(name.length)))) {
      seen = true;
      found.push(...value.split(',').filter((v) => v !== ''));
    }
  }
  return seen ? found : undefined;
}

/**
 * A time filter such as `filter[updated_at]`: one unix timestamp (changed after it) or
 * `[from]` / `[to]` bounds, as the notes and tasks lists take it (amoCRM API v4 "События и
 * примечания" and "Задачи": filter[updated_at]). Undefined when absent.
 */
export function timeRange(url: string, name: string): ((t: number) => boolean) | undefined {
  const p = new URL(url).searchParams;
  const exact = p.get(name);
  const from = p.get(`${name}[from]`);
  const to = p.get(`${name}[to]`);
  if (exact === null && from === null && to === null) return undefined;
  if (exact !== null) return (t) => t >= Number(exact);
  return (t) => (from === null || t >= Number(from)) && (to === null || t <= Number(to));
}
